"""What one word is, for the precise rules: its readings with and without a proclitic, its
frequency in ANT news, whether it could be (part of) a name, an adjective, a first name."""
from __future__ import annotations

import functools
import re

from flows.ner import tagger
from flows.ner.gazetteer import DEFAULT_PATH, load_gazetteer
from flows.ner.lexicon import (FOREIGN_FIRST_NAMES, KINSHIP_NOUNS, NAME_CONNECTORS, ORG_HEADS, PERSON_TITLE_HEADS,
                               PERSON_TITLES, PLACE_CUES, STOP_WORDS, TITLE_OR_SPEECH_WORDS, UNSHAPED_ADJECTIVES)
from flows.ner.weak_aliases import is_masculine_nisba
from flows.normalize import normalize

letter_form = tagger.norm_cached  # the tagger's letter normalisation (alef forms, ى, marks), cached per word


# ANT frequency (of the normalised word) under which an unknown word reads as a name
RARE_FREQ = 40


_TANWEEN_RE = re.compile("[\u064b-\u064d]")
_PRONOUN_SUFFIXES = ("ها", "هم", "هما", "هن", "نا", "كم")
_WORD_FINAL_INSIDE_RE = re.compile("[\u0629\u0649](?=[\u064b-\u0652\u0670]*[\u0621-\u064a])")  # ة/ى, a letter after


@functools.lru_cache(maxsize=tagger.TYPE_CACHE_SIZE)
def matching_form(word: str) -> str:
    """Matching form of a word (flows.normalize: ة -> ه, ى -> ي, alef forms, marks dropped)."""
    return normalize(word)


@functools.lru_cache(maxsize=tagger.TYPE_CACHE_SIZE)
def readings(n: str) -> tuple:
    """(proclitic, rest) readings of a normalised word: itself, without و/ف, without
    ب/ل/ك after that, and لل + x read as ال + x."""
    out = [("", n)]
    rests = [("", n)]
    if len(n) > 3 and n[0] in "وف":
        out.append((n[0], n[1:]))
        rests.append((n[0], n[1:]))
    for p, r in rests:
        if len(r) > 3 and r.startswith("لل"):
            out.append((p + "لل", "ال" + r[2:]))
        elif len(r) > 3 and r[0] in "بلك":
            out.append((p + r[0], r[1:]))
    return tuple(out)


_READING_IN: dict[frozenset, dict] = {}  # word set -> normalised word -> its first reading in the set


def reading_in(n: str, words: frozenset):
    """The first (proclitic, rest) reading of n whose rest is in words, else None. Cached in
    one plain dict per word set rather than an lru_cache keyed by (word, set): such keys
    hold a set, so the garbage collector would walk every one of them."""
    cache = _READING_IN.get(words)
    if cache is None:
        cache = _READING_IN[words] = {}
    try:
        return cache[n]
    except KeyError:
        pass
    found = first_reading(n, words)
    if len(cache) > tagger.TYPE_CACHE_SIZE:
        cache.clear()
    cache[n] = found
    return found


def first_reading(n: str, words: frozenset):
    """:func:`reading_in` uncached, for callers that cache their own answer per word."""
    for p, r in readings(n):
        if r in words:
            return p, r
    return None


def ant_freq(word: str) -> int:
    """Occurrences of a word (as written; a proclitic already cut off) in ANT, from the
    tagger's word list; without the list every word counts as common, so nothing is
    accepted for being rare."""
    try:
        freq = tagger.resources()["freq"]
    except Exception:  # pragma: no cover - the tagger's resources are its own business
        freq = None
    if not freq:
        return RARE_FREQ
    return freq.get(tagger.normalize(word), 0)


# how much more the tagger's word-type features favour O over a name label for a common word:
# 5 to 11 for قال, مدينة, خلال, هدف; under 3 for name words (خاشقجي 2.1, بلماضي 0.2, حسن -5)
COMMON_WORD_O_MARGIN = 4.0


# where no list knows the name at all (a foreign name after a title), the word features must lean
# against a name by less: 2 keeps ساديو (0.6), شومر, تساحي (1.3) and drops جندي (2.2), حرس (4.0)
UNKNOWN_NAME_O_MARGIN = 2.0


@functools.lru_cache(maxsize=tagger.TYPE_CACHE_SIZE)
def tagger_name_word(raw: str, types: tuple = ("PER",), margin: float = COMMON_WORD_O_MARGIN) -> bool:
    """The tagger's word-type features (the word, its stem, affixes, clusters learned on ANT)
    do not read the word as clearly not a name of one of ``types``: O beats that type's labels
    by less than `margin`. Word frequency cannot tell: خاشقجي is frequent in 2018 news,
    متتابع rare and no name."""
    v = tagger.get_models()["stage1"].type_vec(raw)[tagger.OFFSETS.index(0)]
    o = tagger.LABELS.index("O")
    best = max(float(v[tagger.LABELS.index(p + t)]) for t in types for p in ("B-", "I-"))
    return float(v[o]) - best < margin


def gazetteer_modifiers() -> frozenset:
    return load_gazetteer().modifiers


def adjective_like(w: str) -> bool:
    """A definite adjective by list or shape: الروسي, الروسية, الدولية, المتحدة, العليا."""
    if not w.startswith("ال"):
        return False
    if w in UNSHAPED_ADJECTIVES or w in gazetteer_modifiers():
        return True
    return len(w) >= 5 and w.endswith(("ي", "يه", "يين", "يون"))


_KIN_PRONOUN = frozenset(b2 + suf for b in KINSHIP_NOUNS for b2 in {b, b[:-1] + "ت" if b.endswith("ه") else b}
                         for suf in ("ه", "ها", "هم", "هما", "هن", "ي", "نا", "ك", "كم"))


def _has_known_stem(w: str) -> bool:
    """The word less a possessive suffix is a word of ANT news (كتابنا -> كتاب), unlike a
    foreign name that only ends like one (أوسبينا)."""
    for suf in _PRONOUN_SUFFIXES:
        stem = w[:-len(suf)]
        if w.endswith(suf) and len(stem) >= 2 and (
                ant_freq(stem) > 0 or (stem.endswith("ت") and ant_freq(stem[:-1] + "ة") > 0)):
            return True  # (ربيبتكم: ربيبة + كم)
    return False


def name_like(w: str, raw: str) -> bool:
    """Could be (part of) a name: at least two letters, no digit or Latin letter, no tanween,
    not a stop word, title, organisation head, place cue or nisba form, no possessive
    suffix on an indefinite word, not a kinship noun with a pronoun (ابنه فيليبي), no ة or ى
    before its last letter (they end a word: متفرقةوسط, الملاجةفي are two words a scraper glued)."""
    if len(w) < 2 or not w.isalpha() or w.isascii() or _TANWEEN_RE.search(raw) \
            or _WORD_FINAL_INSIDE_RE.search(raw):
        return False
    if w in STOP_WORDS or w in PERSON_TITLES or w in PERSON_TITLE_HEADS or w in gazetteer_modifiers() \
            or w in ORG_HEADS or w in PLACE_CUES:
        return False
    if not w.startswith("ال") and len(w) >= 5 and w.endswith(_PRONOUN_SUFFIXES) and _has_known_stem(w):
        return False
    if reading_in(w, _KIN_PRONOUN):  # ابنه, زوجته, لابنه: "his son", not a name
        return False
    return True


def has_clitic(raw: str) -> bool:
    """The word reads better as a proclitic + a known word (باستخدام, لملاقاة, وجامعته)."""
    n = matching_form(raw)
    if tagger.proclitic_len(raw) > 0:
        return True
    for p, r in readings(n)[1:]:
        if not p.endswith("لل") and len(r) >= 3 and (r in ORG_HEADS or r in STOP_WORDS or
                                                    ant_freq(raw[len(p):]) >= max(RARE_FREQ, 4 * ant_freq(raw))):
            return True
    return False


@functools.lru_cache(maxsize=1)
def first_names() -> frozenset:
    """Normalised first names (seeds/gazetteer/first_names.txt)."""
    path = DEFAULT_PATH.parent / "first_names.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    return frozenset(matching_form(w.strip()) for w in lines if w.strip() and not w.lstrip().startswith("#"))


@functools.lru_cache(maxsize=1)
def person_first_words() -> frozenset:
    """First names: seeds/gazetteer/first_names.txt, the first words of the core gazetteer's
    persons (not the long name lists: their first words are any word), and common first names
    of other languages."""
    out = set(first_names()) | FOREIGN_FIRST_NAMES
    g = load_gazetteer()
    for e, names in zip(g.entities, g.names):
        if e.entity_type != "PER" or not e.core:
            continue
        for name in names:
            words = matching_form(name).split()
            if len(words) > 1 and words[0] not in PERSON_TITLES and words[0] not in PERSON_TITLE_HEADS:
                out.add(words[0])
    return frozenset(out)


def conjunction_before_name(raw: str) -> bool:
    """The word's و/ف is a conjunction, not the name's first letter. و: unless the whole word
    is a first name (وليد, ويليام), for few names start with W. ف: where what follows is a
    first name (فأحمد) or more frequent in ANT than the whole word, for many do (فرناندو,
    فيلكس, فلاديمير)."""
    n = matching_form(raw)
    if n[:1] not in "وف" or len(n) < 3 or n in person_first_words():
        return False
    if n[0] == "و":
        return True
    rest = raw[raw_offset(raw, 1):]
    return matching_form(rest) in person_first_words() or ant_freq(rest) > ant_freq(raw)


def first_name_word(n: str) -> bool:
    """A normalised word that is a first name (with or without ال: الوليد), not a stop word or
    title: a name right after it is probably longer than it looks."""
    if not n or n in STOP_WORDS or n in NAME_CONNECTORS or reading_in(n, TITLE_OR_SPEECH_WORDS):
        return False
    names = person_first_words()
    return n in names or (n.startswith("ال") and n[2:] in names)


def strip_conj(n: str) -> str:
    """A definite word without a و/ف clitic (والروسي -> الروسي)."""
    return n[1:] if n[:1] in "وف" and n[1:3] == "ال" else n


def without_conjunction(n: str, shortest: int) -> str:
    """The word without a leading و/ف when at least `shortest` letters are left (وفي -> في with
    2, وبيان -> بيان with 3): how short a word may be and still carry one depends on the list
    the caller looks it up in."""
    return n[1:] if n[:1] in "وف" and len(n) > shortest else n


def masculine_nisba(word: str) -> bool:
    """A definite masculine nationality adjective (الإيطالي, الإسباني; not الإيطالية)."""
    return is_masculine_nisba(matching_form(word), gazetteer_modifiers())


def raw_offset(word: str, n_letters: int) -> int:
    """Index in the raw word after its first ``n_letters`` normalized letters."""
    k = i = 0
    while i < len(word) and k < n_letters:
        if normalize(word[i]):
            k += 1
        i += 1
    while i < len(word) and not normalize(word[i]):
        i += 1
    return i


@functools.lru_cache(maxsize=tagger.TYPE_CACHE_SIZE)
def without_proclitic(w: str) -> str:
    """Normalized word without و/ف/ب/ل/ك proclitics (لل -> ال)."""
    pre, st = tagger.strip_clitics(w)
    if pre.endswith("ال"):
        return "ال" + st
    return st
