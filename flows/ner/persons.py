"""Context rules for persons: a title or office before a name, what makes a tagger span's
extent doubtful, what besides the tagger says "a person", and names a title introduces
that start with a known first name."""
from __future__ import annotations

import bisect
import dataclasses
import functools

from flows.ner.decide import Candidate
from flows.ner.ids import canonical_name
from flows.ner.lexicon import (HONORIFIC_TITLES, LATIN_LETTER_NAMES, NAME_CONNECTORS, PERSON_APPOSITION_WORDS,
                               PERSON_TITLE_HEADS, PERSON_TITLES, PLACE_PREFIXES, PREPOSITION_PRONOUNS, PRONOUNS_HE_SHE,
                               SPEECH_OR_NAMING_WORDS, SPEECH_WORDS, STOP_WORDS, TEAM, THING_WORDS, TITLE_OR_ROLE_WORDS,
                               TITLE_WORDS, UNIT_NOUNS, COMPANY_SUFFIXES)
from flows.ner.matcher import extract_mentions
from flows.ner.mention import Mention
from flows.ner.tokens import QUOTES, Token
from flows.ner.words import (RARE_FREQ, adjective_like, ant_freq, first_name_word, first_names, gazetteer_modifiers,
                             has_clitic, matching_form, name_like, person_first_words, raw_offset, reading_in,
                             strip_conj, tagger_name_word, UNKNOWN_NAME_O_MARGIN, conjunction_before_name)


# the farthest a title stands before the name it introduces: a head, three complement words and
# two adjectives (وزير خارجية جمهورية الكونغو الديمقراطية الجديد X) are six tokens back
TITLE_REACH = 6


def title_before(toks: list[Token], i: int) -> bool:
    """A person title or office ends right before token i: الرئيس X, الرئيس الروسي X,
    رئيس الوزراء الهندي X, وزير خارجية تايوان X, المتحدث باسم الخارجية X."""
    j = i
    for _ in range(2):  # nationality / adjectives between the title and the name
        if j - 1 >= 0 and toks[j - 1].word and not toks[j].nl and adjective_like(strip_conj(toks[j - 1].n)):
            j -= 1
    j -= 1
    if j < 0 or not toks[j].word or toks[j + 1].nl:
        return False
    if reading_in(toks[j].n, PERSON_TITLES):
        return True
    # construct: up to three complement words back to a title head (وزير الخارجية, المتحدث باسم
    # الكرملين, رئيس بلدية باريس, نائبة حزب المحافظين)
    k = j
    for _ in range(3):
        if k < 0 or not toks[k].word or toks[k + 1].nl:
            return False
        n = toks[k].n
        if n in STOP_WORDS or reading_in(n, SPEECH_WORDS) or (n[:1] in "وفبل" and not n.startswith("ال")
                                                             and has_clitic(toks[k].raw)):
            return False
        k -= 1
        if k >= 0 and toks[k].word and not toks[k + 1].nl and reading_in(toks[k].n, PERSON_TITLE_HEADS):
            return True
    return False


_GLUED_PREFIXES = ("ان", "لان", "بان", "في", "من", "عن", "علي", "الي", "مع")


@functools.lru_cache(maxsize=4096)
def glued_to_a_name(raw: str) -> bool:
    """A function word glued to a name the gazetteer knows, where a link's space was lost
    (انالمانيا = أن ألمانيا, فيالقاهرة): the word is two words, not a name."""
    n = matching_form(raw)
    for p in _GLUED_PREFIXES:
        if n.startswith(p) and len(n) - len(p) >= 3:
            rest = raw[raw_offset(raw, len(p)):]  # (إنّألمانيا: past the shadda too)
            found = extract_mentions(rest)
            if found and found[0].start == 0 and found[0].end == len(rest) and found[0].mention_kind == "name":
                return True
    return False


def honoured_person(toks: list[Token], j: int, gaz: list[Mention]) -> int:
    """The index after an honorific and the person's name it starts at token j (الأمير |
    محمد بن عبدالعزيز, الملك سعود), or 0: what an institution, a district or a unit is
    named after. The name: a person the gazetteer knows (its mention may hold the
    honorific), or a first name and up to three more name words joined by بن / عبد / آل."""
    n_tok = len(toks)
    t = toks[j] if j < n_tok else None
    if t is None or not t.word or t.nl or t.n not in HONORIFIC_TITLES:
        return 0

    def gazetteer_person(k: int) -> int:
        m = gaz[toks[k].gaz] if toks[k].gaz >= 0 else None
        if m is None or m.mention_kind != "name" or m.entity_type != "PER" or m.start != toks[k].s:
            return 0
        g = toks[k].gaz
        while k < n_tok and toks[k].gaz == g:
            k += 1
        return k

    if t.gaz >= 0:
        return gazetteer_person(j)
    k = j + 1
    if k >= n_tok or not toks[k].word or toks[k].nl:
        return 0
    if toks[k].gaz >= 0:
        return gazetteer_person(k)
    if toks[k].n not in first_names():
        return 0
    k += 1
    while k < n_tok and k - j < 5 and toks[k].word and not toks[k].nl and toks[k].gaz < 0:
        n, prev = toks[k].n, toks[k - 1].n
        if n in NAME_CONNECTORS or (prev in NAME_CONNECTORS and name_like(n, toks[k].raw)) \
                or (not n.startswith("ال") and n in first_names()):
            k += 1
            continue
        break
    while k - 2 > j and toks[k - 1].n in NAME_CONNECTORS:
        k -= 1  # a name does not end with بن
    return k


def person_before(text: str, toks: list[Token], a: int, s: int) -> str:
    """What right before a tagger person span (first token a, start s) makes its extent
    doubtful (see :class:`Candidate`), or ""."""
    if s > 0 and text[s - 1] in "-\u2010\u2011":
        return "hyphen"
    if toks[a].s < s and "ك" in matching_form(text[toks[a].s:s]):
        return "clitic_cut"  # ك glued to a name is rare; the name more likely starts with it (وكلاي)
    if toks[a].s < s and matching_form(text[toks[a].s:s])[-1:] in ("ب", "ل"):
        # the tagger cut ب/ل/ك off the first word: doubtful after punctuation or a title (a
        # preposition rarely stands there: السفير ب|سام راضي), or when the whole word is itself
        # a first name (بسام, لاري)
        if a == 0 or not toks[a - 1].word or reading_in(toks[a - 1].n, PERSON_TITLES) \
                or toks[a].n in person_first_words():
            return "clitic_cut"
    p = a - 1
    if p >= 1 and not toks[p].word and toks[p].raw in QUOTES and not toks[a].nl:
        p -= 1  # صحيفة "ديارو دي إيبيزا": look past an opening quote for the noun
    if p >= 0 and toks[p].word and not toks[p + 1].nl and reading_in(toks[p].n, THING_WORDS) and not (
            p >= 1 and toks[p - 1].word and not toks[p].nl and reading_in(toks[p - 1].n, PERSON_TITLE_HEADS)) \
            and not (reading_in(toks[p].n, TEAM) and toks[a].n in first_names()):
        # (not after a title in construct: رئيس البرلمان سليم الجبوري is the speaker himself; nor a
        # first name after فريق: فريق تامر حسني is the singer's team, the name is his)
        return "thing_noun"
    if a >= 2 and toks[a - 1].word and toks[a - 1].n in HONORIFIC_TITLES and toks[a - 2].word \
            and not toks[a - 1].nl and not toks[a].nl \
            and (reading_in(toks[a - 2].n, THING_WORDS) or reading_in(toks[a - 2].n, UNIT_NOUNS)):
        return "thing_noun"  # منطقة السيدة زينب, قوات الشهيد عمر القاسم: named after the person
    if a == 0 or not toks[a - 1].word or toks[a].nl or toks[a].s < s:
        return ""
    prev = toks[a - 1].n
    if prev in PLACE_PREFIXES:
        return "place_prefix"
    if prev in PRONOUNS_HE_SHE and a >= 2 and toks[a - 2].word and reading_in(toks[a - 2].n, SPEECH_WORDS):
        return "pronoun_after_verb"
    if first_name_word(prev):
        return "first_name"  # فاليري | جيسكار ديستان, الوليد | بن طلال
    if (toks[a - 1].gaz < 0 and not prev.startswith("ال") and name_like(prev, toks[a - 1].raw)
            and not has_clitic(toks[a - 1].raw) and a >= 2 and toks[a - 2].word and not toks[a - 1].nl
            and reading_in(toks[a - 2].n, PERSON_TITLES)):
        return "title_gap"  # المدرب ديدييه | ديشان: the name starts right after the title
    return ""


def person_evidence(text: str, toks: list[Token], a: int, b: int, s: int, words: tuple) -> str:
    """What, besides the tagger, says that tokens a..b-1 (starting at s) name a person
    (see :class:`Candidate`), or ""."""
    if words and words[0] in person_first_words() and (words[0] not in NAME_CONNECTORS or (
            words[0] == "عبد" and len(words) >= 3)):  # عبد الحميد غل: a compound first name
        return "first_name"
    if title_before(toks, a):
        return "title"
    if a >= 2 and not toks[a - 1].word and toks[a - 1].raw in "،," and title_before(toks, a - 1) \
            and (b >= len(toks) or (not toks[b].word and toks[b].raw[:1] in "،,.")):
        # the name set off by commas after a title: رئيس الوزراء الإيطالي، جوزيبي كونتي،
        return "title"
    p = a - 1
    if p >= 0 and toks[p].word and not toks[a].nl and toks[a].s == s:
        n = toks[p].n
        if reading_in(n, SPEECH_OR_NAMING_WORDS):
            return "speech"
        m = strip_conj(n)
        if m in gazetteer_modifiers() or (m.startswith("ال") and m.endswith(("ي", "يه")) and len(m) >= 6):
            return "title"  # a nationality right before: والأوروغوياني إدينسون كافاني
    if b < len(toks) and not toks[b].word and toks[b].raw in "،," and b + 1 < len(toks) and toks[b + 1].word:
        n = toks[b + 1].n
        if n in PERSON_APPOSITION_WORDS or reading_in(n, TITLE_WORDS):
            return "apposition"
    if b < len(toks) and toks[b].word and reading_in(toks[b].n, TITLE_OR_ROLE_WORDS) \
            and not toks[b].nl:
        return "apposition"  # جيانلويجي بوفون حارس يوفنتوس
    if b + 1 < len(toks) and toks[b].raw == "(" and toks[b + 1].raw[:1].isdigit():
        return "apposition"  # an age or a minute: ماتيو بوليتانو (25)
    return ""


def titled_first_names(toks: list[Token], taken: set[int]) -> list[tuple[int, int]]:
    """(first token, index after the last) of each name that a title, office or nationality
    introduces and that starts with a known first name, where no token is in `taken`: the
    first name and one to three name words after it, none of them a gazetteer name, a word
    with a clitic, or a common word (:func:`flows.ner.words.tagger_name_word`): الإعلامي السعودي
    جمال خاشقجي, المدرب جمال بلماضي. The tagger misses such names when the first name is also
    a common noun (جمال "beauty")."""
    out = []
    n_tok = len(toks)
    firsts = person_first_words()
    last_title = -TITLE_REACH - 1
    for i, t in enumerate(toks):
        if t.title:
            last_title = i
        if not t.word or t.gaz >= 0 or i in taken or t.n in NAME_CONNECTORS:
            continue
        after_nationality = i > 0 and toks[i - 1].word and not t.nl \
            and strip_conj(toks[i - 1].n) in gazetteer_modifiers()
        if not after_nationality and i - last_title > TITLE_REACH:
            continue  # no title near enough before: title_before could not hold
        unknown = t.n not in firsts
        if unknown and not _unknown_name_word(t):
            continue
        if not (after_nationality or title_before(toks, i)):
            continue
        b = i + 1
        while b < n_tok and b - i <= 3 and toks[b].word and not toks[b].nl and toks[b].gaz < 0 \
                and b not in taken and name_like(toks[b].n, toks[b].raw) and not has_clitic(toks[b].raw) \
                and not adjective_like(toks[b].n) and tagger_name_word(toks[b].raw) \
                and (not unknown or _unknown_name_word(toks[b])):
            b += 1
        # a known person's name right after: the name goes on (الرئيس دونالد جيه ترامب)
        goes_on = b < n_tok and toks[b].gaz >= 0 and not toks[b].nl and toks[b].word
        if b > i + 1 and not goes_on:
            out.append((i, b))
    return out


def _unknown_name_word(t: Token) -> bool:
    """A word of a name no first-name list knows, which a title may still introduce: not a
    Latin letter's name (يو in يو بي إس), not definite (nor لل: ل + ال), no clitic, not an
    adjective, and the tagger's word features lean against a name by less than
    UNKNOWN_NAME_O_MARGIN (المهاجم ساديو مانيه, الحكم الصربي ميلوراد مازيتش; not a verb or a
    noun: استشهد برصاص, حرس الثورة)."""
    return (tagger_name_word(t.raw, ("PER",), UNKNOWN_NAME_O_MARGIN) and not t.n.startswith(("ال", "لل"))
            and t.n not in LATIN_LETTER_NAMES and name_like(t.n, t.raw) and not adjective_like(t.n)
            and not has_clitic(t.raw))


def person_after(text: str, toks: list[Token], b: int, e: int) -> str:
    """What right after a tagger person span (token after it b, end e) makes its extent
    doubtful, or ""."""
    if e < len(text) and text[e] in "-\u2010\u2011":
        return "hyphen"
    if text[e:e + 2].lstrip().startswith("#"):
        return "hashtag"  # الرئيس الفرنسي ايمانويل #ماكرون
    if b >= len(toks) or not toks[b].word or toks[b].nl:
        return ""
    if toks[b].gaz >= 0:
        return "nationality" if toks[b].n in gazetteer_modifiers() and toks[b].n.startswith("ال") else ""
    n, raw = toks[b].n, toks[b].raw
    if not n.startswith("ال") and n[:1] not in "وفبل" and name_like(n, raw) and (
            ant_freq(raw) < 5 or n in first_names()) and not glued_to_a_name(raw):
        return "name_word"  # السفير كمال حسن | علي: Arabic names chain first names
    return ""


# --------------------------------------------------------------------------- candidates

def person_candidates(text: str, toks: list[Token], gaz: list[Mention], spans: list[tuple], overlaps) -> list[tuple]:
    """Person candidates, (start, end, Candidate, canonical name) each: the tagger's persons
    (`spans`: (start, end, type, first token, token after the last)), then the names a title
    introduces with a known first name where the tagger read no person; the names of a list
    get the list's evidence, and a span that starts with another person's surname is marked.
    `overlaps(s, e)`: the kinds of gazetteer mentions [s, e) overlaps."""
    cands = _tagger_persons(text, toks, gaz, spans, overlaps)
    cands += _titled_persons(text, toks, cands, overlaps)
    _mark_lists(text, cands)
    _mark_surname_starts(cands)
    return cands


def _tagger_persons(text: str, toks: list[Token], gaz: list[Mention], spans: list[tuple], overlaps) -> list[tuple]:
    """The tagger's person spans as candidates, with what the context says of them."""
    cands = []
    for s, e, typ, a, b in spans:
        if typ != "PER" or not all(toks[k].word for k in range(a, b)):
            continue
        # a nationality the tagger took into the name (الموريتاني محمد سالم ولد مرزوك) is cut off
        while b - a > 1 and toks[a].gaz >= 0 and gaz[toks[a].gaz].mention_kind == "nisba" \
                and gaz[toks[a].gaz].end == toks[a].e:
            a += 1
            s = toks[a].s
        # a preposition with a pronoun the tagger took into the name (وأكد لي حمد بن جاسم)
        while b - a > 2 and toks[a].n in PREPOSITION_PRONOUNS:
            a += 1
            s = toks[a].s
        # a first name keeps its first letter: the tagger read the ف of فادي, the ل of لورا as a
        # clitic; so does a word more frequent in ANT than what the tagger left of it
        if s > toks[a].s and (toks[a].n in person_first_words()
                              or ant_freq(text[s:toks[a].e]) < ant_freq(toks[a].raw)):
            s = toks[a].s
        # and a conjunction is not part of a name: the tagger read وأرين روبن as one name word
        elif s == toks[a].s and conjunction_before_name(toks[a].raw) and toks[a].n[1:] in person_first_words():
            s = toks[a].s + raw_offset(toks[a].raw, 1)
        # a first name the tagger left out right before its span starts the name (المهندس فهد |
        # حمدان العارضي, فاليري | جيسكار ديستان): after a title, or a first name the tagger's
        # features do not read as a common word (شهد | ميدان السبعين: "witnessed"); never a
        # word with a clitic, a gazetteer name, or a word on another line
        if s == toks[a].s and a > 0 and toks[a - 1].word and not toks[a].nl and toks[a - 1].gaz < 0 \
                and first_name_word(toks[a - 1].n) and not has_clitic(toks[a - 1].raw) \
                and toks[a - 1].n not in PREPOSITION_PRONOUNS \
                and (title_before(toks, a - 1) or tagger_name_word(toks[a - 1].raw)):
            a -= 1
            s = toks[a].s
        # a family name after آل goes on the name (حسين مانع | آل عباس)
        if b + 1 < len(toks) and toks[b].raw == "آل" and toks[b + 1].word and not toks[b].nl \
                and not toks[b + 1].nl and toks[b + 1].gaz < 0 and name_like(toks[b + 1].n, toks[b + 1].raw) \
                and not has_clitic(toks[b + 1].raw):
            b += 2
            e = toks[b - 1].e
        # a word glued to the next one where a link was (مارسيل فراتزشر انالمانيا) is not a
        # name word: the name ends before it
        while b - a > 1 and glued_to_a_name(toks[b - 1].raw):
            b -= 1
            e = toks[b - 1].e
        raw = [text[s:toks[a].e]] + [toks[k].raw for k in range(a + 1, b)]
        words = tuple(matching_form(w) for w in raw)
        if len(words) >= 2 and words[-1] in COMPANY_SUFFIXES:
            # ميركانتل بانك, ألفا جروب: a company the tagger took for a person
            cands.append((s, e, Candidate("ORG", words, tuple(raw), "company_suffix", tagger=True,
                                          after=person_after(text, toks, b, e), overlaps=overlaps(s, e)),
                          canonical_name(raw, False)))
            continue
        cands.append((s, e, Candidate("PER", words, tuple(raw), "tagger",
                                      cue="title" if title_before(toks, a) else "", tagger=True,
                                      evidence=person_evidence(text, toks, a, b, s, words),
                                      before=person_before(text, toks, a, s), after=person_after(text, toks, b, e),
                                      overlaps=overlaps(s, e),
                                      rare=all(ant_freq(w) < RARE_FREQ for w in raw)), canonical_name(raw, False)))
    return cands


def _titled_persons(text: str, toks: list[Token], persons: list[tuple], overlaps) -> list[tuple]:
    """A first name after a title or nationality, with the name words after it, where the
    tagger read no person (`persons`): الإعلامي السعودي جمال خاشقجي."""
    tok_starts = [t.s for t in toks]
    in_person = {k for s_, e_, _, _ in persons
                 for k in range(bisect.bisect_left(tok_starts, s_), bisect.bisect_left(tok_starts, e_))}
    cands = []
    for i in titled_first_names(toks, in_person):
        a, b = i
        raw = [toks[k].raw for k in range(a, b)]
        s, e = toks[a].s, toks[b - 1].e
        cands.append((s, e, Candidate("PER", tuple(toks[k].n for k in range(a, b)), tuple(raw), "title_first_name",
                                      cue="title", evidence="title", before=person_before(text, toks, a, s),
                                      after=person_after(text, toks, b, e), overlaps=overlaps(s, e)),
                      canonical_name(raw, False)))
    return cands


def _mark_lists(text: str, cands: list[tuple]) -> None:
    """A list of names (X، Y وZ): a name right after one with evidence with only و / ، between
    them, and every name of a list of three or more, get the evidence "list"."""
    runs: list[list[int]] = []
    prev_end = -10
    for k, (s, e, c, _) in enumerate(cands):
        gap = text[prev_end:s] if prev_end >= 0 else "x"
        if runs and len(gap) <= 3 and gap.replace("و", "").replace("،", "").replace(",", "").strip() == "":
            runs[-1].append(k)
        else:
            runs.append([k])
        prev_end = e
    for run in runs:
        for pos, k in enumerate(run):
            s, e, c, canonical = cands[k]
            if not c.evidence and (len(run) >= 3 or (pos > 0 and cands[run[pos - 1]][2].evidence)):
                cands[k] = (s, e, dataclasses.replace(c, evidence="list"), canonical)


def _mark_surname_starts(cands: list[tuple]) -> None:
    """A person span that starts with another person's surname runs on past the name
    (after="surname")."""
    lasts = {}
    for s, e, c, _ in cands:
        if len(c.words) >= 2:
            lasts.setdefault(c.words[-1], set()).add(s)
    for k, (s, e, c, canonical) in enumerate(cands):
        if len(c.words) >= 2 and lasts.get(c.words[0], set()) - {s} and not c.after:
            cands[k] = (s, e, dataclasses.replace(c, after="surname"), canonical)
