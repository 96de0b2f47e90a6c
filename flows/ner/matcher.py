"""Gazetteer matching: Arabic text -> entity mentions with exact character offsets.

How a mention is found (all matching happens on `normalize(text)`, spans are
mapped back with the offset list, so `text[m.start:m.end] == m.surface`):

1. One Aho-Corasick automaton holds every normalized key of the gazetteer
   (canonical names, aliases, weak aliases, nisba forms). A hit counts only at
   word boundaries: nothing word-like after it, and before it either the start
   of a word or one of the proclitics و ف ب ل ك and their pairs (وب ول وك فب فل
   فك). The clitic is never part of the span: وبكين -> بكين, لروسيا -> روسيا.
   ك (and وك فك) count only before a key written with ال (كالصين) or one of 5+
   characters (كأميركا): كبيرا is not ك + بيرا (Beira), كلاوس not ك + لاوس (Laos).
   Where a scraper dropped a space, a name of 4+ characters glued to a function
   word counts too (وتركياخلال, فيالقاهرة, أنّنتنياهو), when the glued word is one
   the news never writes (`_glued_to_function_word`): مصرفي stays a banker.
2. لل + a name written with the article (للصين = ل + الصين, the article's alef
   elided by spelling): the automaton also holds every ال-key without its alef
   (لصين), valid only right after a ل clitic. The span is then لصين: everything
   after the preposition ل, i.e. the article's lam and the name. It is the
   honest span: the only characters dropped are the clitic's, and
   text[start:end] stays exact. (بالصين, والصين, فالصين keep the full الصين.)
3. Strong names and nisba forms: longest key wins, then the earlier one; no
   overlaps. Nisba hits (الروسي, الصينية) get mention_kind="nisba" and the
   country's id; they are never "name" mentions.
4. Weak aliases (شي, كيف, وفا, قنا ...) fill the gaps left by step 3 only when
   `weak_alias_context` says so (see its docstring).
5. Partial names: once a gazetteer person has been named in full, a later bare
   surname (last word of one of their multi-word names) resolves to them
   (method "partial_name"), unless two people named earlier share it.
"""
from __future__ import annotations

import functools
import re
from collections import Counter

from flows.ner.gazetteer import KIND_LABEL, NAME, WEAK, Gazetteer, load_gazetteer
from flows.ner.lexicon import IDIOMS, SHARED_NAMES, STOP_WORDS, SURNAME_VERBS, TITLE_OR_SPEECH_WORDS
from flows.ner.mention import Mention
from flows.ner.weak_aliases import weak_alias_context
from flows.ner.words import ant_freq
from flows.normalize import normalize_with_offsets


_CLITICS = frozenset({"", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك"})
_LAM_CLITICS = frozenset({"ل", "ول", "فل"})
# ك "like/as" before a bare name is rare, while a short key after ك is often the tail of an ordinary
# word (كبيرا = ك + بيرا, كلاوس = ك + لاوس): a prefix holding ك is accepted before a key written with
# the article (كالصين) or a bare key of 5+ characters (كأميركا, كروسيا), not before a shorter one.
_KAF_CLITICS = frozenset({"ك", "وك", "فك"})


_WORD_RE = re.compile(r"\w+")


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _idiom_follows(norm: str, key: str, end: int) -> bool:
    nxt = IDIOMS.get(key)
    if not nxt:
        return False
    m = _WORD_RE.match(norm, end + 1) if end < len(norm) and norm[end] == " " else None
    return m is not None and m.group() in nxt


def _shared_name_readings(norm: str, g: Gazetteer) -> dict:
    """(default entity index, key) -> the entity index the article's cue words point to, for
    the keys of SHARED_NAMES that occur in `norm` (عمان: Oman, or Amman in an article
    about Jordan: "العاصمة الأردنية عمان")."""
    out = {}
    words = None
    for key, readings in SHARED_NAMES.items():
        if key not in norm:
            continue
        ids = _entity_index(g)
        if words is None:
            words = Counter(m.group() for m in _WORD_RE.finditer(norm))
        counts = [sum(words[w] for w in cues) for _, cues in readings]
        best = max(range(len(readings)), key=lambda i: (counts[i], -i))
        default, chosen = ids.get(readings[0][0]), ids.get(readings[best][0])
        if best and default is not None and chosen is not None:
            out[(default, key)] = chosen
    return out


@functools.lru_cache(maxsize=4)
def _entity_index(g: Gazetteer) -> dict:
    return {e.entity_id: i for i, e in enumerate(g.entities)}


def extract_mentions(text: str, gazetteer=None) -> list[Mention]:
    """Gazetteer mentions in `text`, sorted by start, non-overlapping (see the module doc)."""
    g = gazetteer or load_gazetteer()
    if not text:
        return []
    norm, offs = normalize_with_offsets(text)
    n = len(norm)
    strong, weak = _hits(norm, g, lambda a, b: text[offs[a]:offs[b - 1] + 1])

    taken = bytearray(n)
    chosen: list[tuple[int, int, int, int, str]] = []  # start, end, idx, kind, method
    for start, end, idx, kind in sorted(strong, key=lambda h: (h[0] - h[1], h[0], h[3])):
        if any(taken[start:end]):
            continue
        taken[start:end] = b"\x01" * (end - start)
        chosen.append((start, end, idx, kind, "gazetteer"))

    first_named: dict[int, int] = {}
    for start, _, idx, kind, _ in chosen:
        if kind == NAME and first_named.get(idx, n) > start:
            first_named[idx] = start

    # countries whose cities or regions the text names outright: a town's weak name counts beside them
    places_named = {g.infos[idx].entity.country_code for _, _, idx, kind, _ in chosen
                    if kind == NAME and g.infos[idx].entity.entity_type == "LOC"
                    and g.infos[idx].entity.subtype != "country"}
    club_ends = {end for _, end, idx, _, _ in chosen if g.infos[idx].cue_class in ("CLUB", "CLUB_COMMON")}
    for start, end, idx in sorted(weak, key=lambda h: (h[0], h[0] - h[1])):
        if any(taken[start:end]):
            continue
        info = g.infos[idx]
        same_country = (info.cue_class == "LOC" and info.entity.country_code is not None
                        and info.entity.country_code in places_named)
        # a club named by a common word right after another club and و: مباريات الهلال والنصر
        after_club = info.cue_class == "CLUB_COMMON" and norm[start - 2:start] == " و" and start - 2 in club_ends
        if after_club or weak_alias_context(norm, start, end, info.cue_class, first_named.get(idx, n) < start,
                                            g.modifiers, same_country=same_country):
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, idx, WEAK, "weak_alias_context"))
            if info.cue_class in ("CLUB", "CLUB_COMMON"):
                club_ends.add(end)
            if first_named.get(idx, n) > start:
                first_named[idx] = start

    _partial_names(norm, g, first_named, taken, chosen)

    out = []
    reading = _shared_name_readings(norm, g)
    for start, end, idx, kind, method in sorted(chosen):
        if kind == NAME and reading:
            idx = reading.get((idx, norm[start:end]), idx)
        e = g.infos[idx].entity
        o_start, o_end = offs[start], offs[end - 1] + 1
        out.append(Mention(o_start, o_end, text[o_start:o_end], e.entity_id, e.entity_type, e.canonical_name,
                           method, KIND_LABEL[kind]))
    return out


# function words a scraper glues to a name when it drops a space (inline markup lost):
# before the name a preposition or particle, a و/ف allowed before it (فيالقاهرة, أنّنتنياهو);
# after it a preposition, particle or relative (سورياعلى, نتنياهوالذي) or a stop word of 4+
# letters (أذربيجانأعلنت); not a short stop word that also ends words (صهيونياً, فيجيبه)
_GLUED_BEFORE = frozenset("في من عن علي الي مع ان لان بان".split())
_GLUED_BEFORE_ANY_NAME = frozenset("ان لان بان".split())  # the others only before an ال- name
_GLUED_AFTER = frozenset("في من عن علي الي مع لن لم قد ما لا ان الذي التي الذين خلال منذ بعد قبل عبر ضد "
                         "حتي هذا هذه نحو بين اذا لكن ولكن او ثم".split())


def _glued_to_function_word(norm: str, start: int, end: int, raw) -> bool:
    """Is norm[start:end] a name inside a longer token whose rest is a function word on each
    glued side, the token itself a word the news never writes? A name of 4+ characters only:
    shorter ones sit inside ordinary words too often. After في/من/عن/على/إلى/مع only a name
    with the article (فيالقاهرة): many foreign names start with those letters (فيتورينو).
    مصرفي (banker) is مصر + في in shape but a common word, so it stays one."""
    if end - start < 4:
        return False
    ts, te = start, end
    while ts > 0 and _is_word(norm[ts - 1]):
        ts -= 1
    while te < len(norm) and _is_word(norm[te]):
        te += 1
    before, after = norm[ts:start], norm[end:te]
    glued = False
    if before not in _CLITICS:
        word = before[1:] if before not in _GLUED_BEFORE and before[:1] in ("و", "ف") else before
        if word not in _GLUED_BEFORE or (word not in _GLUED_BEFORE_ANY_NAME and not norm.startswith("ال", start)):
            return False
        fe = start
        while fe < end and _is_word(norm[fe]):
            fe += 1
        if ant_freq(raw(ts, fe)) > 0:  # what is glued to the name's first word, and that word
            return False
        glued = True
    if after:
        if after not in _GLUED_AFTER and (len(after) < 4 or after not in STOP_WORDS):
            return False
        if end - start < 5 and len(after) < 3:  # والتآكل is no التا + كل
            return False
        ls = end
        while _is_word(norm[ls - 1]) and ls > start:
            ls -= 1
        if ant_freq(raw(ls, te)) > 0:  # the name's last word and what is glued to it
            return False
        glued = True
    return glued


def _hits(norm: str, g: Gazetteer, raw) -> tuple[list[tuple[int, int, int, int]], list[tuple[int, int, int]]]:
    """The automaton's hits in the normalized text that stand at word boundaries, a proclitic
    allowed before (steps 1-2 of the module doc): strong names and nisba forms as (start,
    end, entity index, kind), weak aliases as (start, end, entity index). ``raw(a, b)``: the
    original text of norm[a:b] (a glued word's frequency is looked up as written)."""
    n = len(norm)
    strong: list[tuple[int, int, int, int]] = []  # (start, end, entity_idx, kind)
    weak: list[tuple[int, int, int]] = []
    for end_i, entries in g.automaton.iter(norm):
        end = end_i + 1
        glued_after = end < n and _is_word(norm[end])
        for idx, kind, lam_only, klen in entries:
            start = end - klen
            ws = start
            while ws > 0 and _is_word(norm[ws - 1]) and start - ws < 3:
                ws -= 1
            prefix = norm[ws:start]
            if glued_after or prefix not in _CLITICS:
                # the space after or before the name was lost (وتركياخلال, فيالقاهرة)
                if kind != NAME or lam_only or not _glued_to_function_word(norm, start, end, raw):
                    continue
                prefix = ""
            if lam_only:
                if prefix not in _LAM_CLITICS:
                    continue
            elif prefix not in _CLITICS:
                continue
            elif prefix in _KAF_CLITICS and klen < 5 and not norm.startswith("ال", start):
                continue
            elif prefix[-1:] in ("ب", "ل", "ف") and _word_beats_name(norm[ws:end], norm[start:end]):
                continue
            if _idiom_follows(norm, norm[start:end], end):
                continue
            if kind == WEAK:
                weak.append((start, end, idx))
            else:
                strong.append((start, end, idx, kind))
    return strong, weak


def _partial_names(norm: str, g: Gazetteer, first_named: dict[int, int], taken: bytearray,
                   chosen: list[tuple]) -> None:
    """Step 5 of the module doc: a bare surname of a gazetteer person named earlier in the
    text (`first_named`: entity index -> first position) is that person, unless two such
    persons share it; appended to `chosen`, marked in `taken`."""
    named_people = {idx for idx in first_named if g.infos[idx].entity.entity_type == "PER"}
    if named_people and g.surnames:
        surnames = g.surnames
        for m in _WORD_RE.finditer(norm):
            tok, ts = m.group(), m.start()
            # a cheap superset test first: few words are anyone's surname, with or without a clitic
            if taken[ts] or (tok not in surnames and tok[1:] not in surnames and tok[2:] not in surnames):
                continue
            for off, cand in _surname_candidates(tok):
                idxs = [i for i in g.surnames.get(cand, ()) if i in named_people and first_named[i] < ts]
                if len(idxs) == 1 and cand.startswith("ال") and _reads_as_adjective(norm, ts, m.end()):
                    break
                if len(idxs) == 1:
                    s, e = ts + off, m.end()
                    if not any(taken[s:e]):
                        taken[s:e] = b"\x01" * (e - s)
                        chosen.append((s, e, idxs[0], NAME, "partial_name"))
                    break


@functools.lru_cache(maxsize=100_000)
def _word_beats_name(word: str, name: str) -> bool:
    """The whole word, clitic and all, is more than twice as frequent in ANT news as the name
    after the clitic: بنوك ("banks") is not ب + نوك (Nuuk), بلاتر (Blatter) not ب + لاتر (Latur),
    بابا not ب + أبا (Aba), فاتن not ف + أتن. The tagger reads clitics by the same principle
    (tagger.proclitic_len). Asked only after ب/ل/ف: و joins any name to a list, so a rare
    name is often seen more with و than alone (وشيراز, وتركمانستان)."""
    from flows.ner import tagger  # the counts live with the tagger's word features

    freq = tagger.resources()["freq"]
    return freq.get(tagger.normalize(word), 0) > 2 * freq.get(tagger.normalize(name), 0)


def _reads_as_adjective(norm: str, start: int, end: int) -> bool:
    """A definite surname (الجبوري) followed by another definite word and not introduced by a
    speech verb, a title or a verb of its subject reads as an adjective of what comes before
    (وكان الجبوري الطابع ...), as the precise rules read the surnames of the names they find."""
    nxt = _WORD_RE.match(norm, end + 1) if norm[end:end + 1] == " " else None
    if nxt is None or not nxt.group().startswith("ال") or nxt.group() in STOP_WORDS:
        return False
    before = _WORD_RE.findall(norm[max(0, start - 30):start])
    prev = before[-1] if before else ""
    for w in (prev, prev[1:] if prev[:1] in "وف" else prev):
        if w in TITLE_OR_SPEECH_WORDS or w in SURNAME_VERBS:
            return False
    return True


def _surname_candidates(tok: str):
    """(offset into tok, normalized surname) readings of a word: itself, or without a clitic."""
    yield 0, tok
    if len(tok) > 4 and tok[:2] in _CLITICS and len(tok[:2]) == 2:
        yield 2, tok[2:]
    if len(tok) > 3 and tok[0] in "وفبلك":
        yield 1, tok[1:]
