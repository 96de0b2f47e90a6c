"""Document passes: names accepted once are found again in the same text, and a later bare
surname of a person named in full resolves to that person. :func:`find_again` is the
precise mode's (over the names it accepted), :func:`find_again_combined` the combined
mode's (over every name it found)."""
from __future__ import annotations

import re

from flows.ner.decide import Candidate
from flows.ner.lexicon import (NAME_CONNECTORS, NOT_SURNAMES, ORG_GENERIC_ADJECTIVES, ORG_HEADS, SPEECH_WORDS,
                               SURNAME_VERBS)
from flows.ner.mention import Mention, make_mention
from flows.ner.organisations import org_name_part
from flows.ner.persons import title_before
from flows.ner.tokens import Token, span_start
from flows.ner.words import (RARE_FREQ, ant_freq, first_name_word, gazetteer_modifiers, letter_form, raw_offset,
                             reading_in, readings, strip_conj, without_proclitic)
from flows.normalize import normalize

_WORD_RE = re.compile(r"[^\W\d_]+")
_CLITIC_PREFIXES = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")


# --------------------------------------------------------------------------- precise mode

def find_again(text: str, toks: list[Token], adds: list[tuple[Mention, Candidate]], taken: bytearray,
               tagged: dict) -> list[Mention]:
    """The accepted additions again, elsewhere in the same text: the same words (a proclitic
    allowed on the first; a one-word name only when it is rare in ANT and not definite);
    an organisation's name words without the head noun (كريمسون هيكساغون after شركة
    كريمسون هيكساغون); and a bare surname of a person accepted in full earlier, unless two
    such persons share it, when it is rare in ANT, or follows a speech verb / وفق / حسب /
    السيد, a title or a nationality, or the tagger reads a person there."""
    by_first, surnames = _names_to_find(adds)
    if not by_first and not surnames:
        return []
    out: list[Mention] = []
    n_tok = len(toks)
    keys = set(by_first) | set(surnames)
    for i, t in enumerate(toks):
        if not t.word or taken[t.s]:
            continue
        word_readings = readings(t.n)
        for _, r in word_readings:
            if r in keys:
                break
        else:
            continue
        for pre, rest in word_readings:
            hit = None
            sp = tagged.get(i)
            for words, m in by_first.get(rest, ()):
                L = len(words)
                if i + L <= n_tok and all(toks[i + k].word and not toks[i + k].nl and toks[i + k].n == words[k]
                                          for k in range(1, L)):
                    prev = toks[i - 1].n if i > 0 and toks[i - 1].word and not t.nl else ""
                    longer = m.entity_type == "PER" and first_name_word(prev)
                    # the tagger reads no other type there, and no first name before makes it a longer name
                    # (الوليد | بن طلال)
                    if (sp is None or sp[2] == m.entity_type or L > 1) and not longer:
                        hit = (L, m, "doc_consistency")
                    break
            if hit is None and len(surnames.get(rest, ())) == 1 and surnames[rest][0].start < t.s \
                    and _surname_reads_as_person(toks, i, pre, rest, sp):
                hit = (1, surnames[rest][0], "surname")
            if hit:
                L, m, method = hit
                s, e = span_start(t, pre), toks[i + L - 1].e
                if s < e and not any(taken[s:e]):
                    out.append(Mention(s, e, text[s:e], m.entity_id, m.entity_type, m.canonical, method, "name"))
                    taken[s:e] = b"\x01" * (e - s)
                break
    return out


def _names_to_find(adds: list[tuple[Mention, Candidate]]) -> tuple[dict, dict]:
    """What :func:`find_again` looks for: first word -> [(words, mention)], longest first;
    surname -> the persons named in full with it."""
    by_first: dict[str, list] = {}
    surnames: dict[str, list] = {}
    for m, c in adds:
        for words in (c.words, org_name_part(c)):
            if words and (len(words) > 1 or not (words[0].startswith("ال") or
                                                 ant_freq(c.raw[-1] if words is not c.words else m.surface)
                                                 >= RARE_FREQ)):
                by_first.setdefault(words[0], []).append((words, m))
        words = c.words
        if m.entity_type == "PER" and len(words) >= 3 and words[-2] in NAME_CONNECTORS:
            # عايد أبو قطيش -> أبو قطيش, لويجي دي بياجيو -> دي بياجيو: the surname keeps its connector
            by_first.setdefault(words[-2], []).append((words[-2:], m))
        elif m.entity_type == "PER" and len(words) >= 2:
            last = words[-1]
            # a definite surname (سليم الجبوري -> الجبوري) too, but see _surname_reads_as_person: only after a
            # speech verb or a title, and never a nationality or a common adjective
            if len(last) >= 3 and last not in NOT_SURNAMES and not (
                    last.startswith("ال") and (last in gazetteer_modifiers() or last in ORG_GENERIC_ADJECTIVES
                                              or len(last) < 6)):
                ids = surnames.setdefault(last, [])
                if all(x.entity_id != m.entity_id for x in ids):
                    ids.append(m)
    for v in by_first.values():
        v.sort(key=lambda x: -len(x[0]))
    return by_first, surnames


def _surname_reads_as_person(toks: list[Token], i: int, pre: str, rest: str, sp: tuple | None) -> bool:
    """A bare surname `rest` at token i (after the proclitic `pre`) is the person named in full
    earlier: not after a name connector or a first name, and rare in ANT, or after a speech
    verb, a title or a nationality, or inside a tagger person span; a definite one
    (الجبوري) only after such a word."""
    t = toks[i]
    prev = toks[i - 1].n if i > 0 and toks[i - 1].word else ""
    rare = ant_freq(t.raw[span_start(t, pre) - t.s:]) < RARE_FREQ
    # الجزائري سليماني, المدرب سامباولي; not رئيس شركة فورد (the company's name)
    titled = (strip_conj(prev) in gazetteer_modifiers() or title_before(toks, i)) \
        and reading_in(prev, ORG_HEADS) is None
    context = titled or reading_in(prev, SPEECH_WORDS) or reading_in(prev, SURNAME_VERBS)
    if rest.startswith("ال"):
        ok = bool(context)  # ودعا الجبوري; a bare definite word is too often a noun
    else:
        ok = rare or context or (sp and sp[2] == "PER")
    return bool(prev not in NAME_CONNECTORS and not first_name_word(prev) and ok)


# --------------------------------------------------------------------------- combined mode

def find_again_combined(text: str, chosen: list[Mention], taken: bytearray, opt: dict) -> list[Mention]:
    """`chosen` plus every name of it found again in the text (whole words, a proclitic
    allowed; opt["doc_consistency"]) and the later bare surnames of persons named in full
    (opt["surname"]); a one-word tagger person that is such a surname takes the person's id."""
    norm_words = [(m.start(), m.end(), letter_form(m.group())) for m in _WORD_RE.finditer(text)]
    if not norm_words:
        return chosen
    first_tok, surnames, surname_at, person_info = _names_found(chosen, opt)
    if opt["surname"]:
        _tagger_surnames(text, chosen, surnames, surname_at, person_info)
    keys = set(first_tok) | set(surnames)
    out = list(chosen)
    for i, (ws, we, w) in enumerate(norm_words):
        if taken[ws]:
            continue
        if not (w in keys or w[1:] in keys or w[2:] in keys or ("ا" + w[1:]) in keys or ("ا" + w[2:]) in keys
                or w[3:] in keys):
            continue
        for pre in _CLITIC_PREFIXES:
            if not w.startswith(pre) or len(w) - len(pre) < 2:
                continue
            rest = w[len(pre):]
            cands = [rest]
            if pre.endswith("ل") and pre and not rest.startswith("ال"):
                cands.append("ا" + rest if rest.startswith("ل") else None)  # لل + name with ال
            hit = None
            for c in cands:
                if not c:
                    continue
                if opt["doc_consistency"]:
                    hit = _name_at(text, norm_words, i, first_tok.get(c, ()))
                if hit is None and opt["surname"] and len(c) >= 3 and c in surnames and len(surnames[c]) == 1 \
                        and surname_at[c] < ws:
                    eid = next(iter(surnames[c]))
                    full = person_info[eid]
                    hit = (1, full, "surname")
                if hit:
                    break
            if hit:
                L, info, method = hit
                s = ws + raw_offset(text[ws:we], len(pre)) if pre else ws
                e = norm_words[i + L - 1][1]
                if s < e and not any(taken[s:e]):
                    typ, eid, canonical, _ = info
                    out.append(make_mention(text, s, e, eid, typ, canonical, method))
                    taken[s:e] = b"\x01" * (e - s)
                break
    return out


def _names_found(chosen: list[Mention], opt: dict) -> tuple[dict, dict, dict, dict]:
    """The names of `chosen` as normalized word tuples: first word -> [(words, (type, id,
    canonical, first position))], longest first; and for surnames (opt["surname"]): surname
    -> person ids, surname -> first position, person id -> (type, id, canonical, position)."""
    names: dict[tuple, tuple] = {}
    surnames: dict[str, set] = {}
    surname_at: dict[str, int] = {}
    person_info: dict[str, tuple] = {}
    for m in chosen:
        if m.mention_kind != "name":
            continue
        toks = tuple(letter_form(w) for w in _WORD_RE.findall(m.surface))
        if not toks:
            continue
        toks = (without_proclitic(toks[0]),) + toks[1:] if m.method.startswith("tagger") else toks
        if len("".join(toks)) < 3:
            continue
        names.setdefault(toks, (m.entity_type, m.entity_id, m.canonical, m.start))
        if opt["surname"] and m.entity_type == "PER" and len(toks) >= 2:
            last = toks[-1]
            if len(last) >= 2 and normalize(last) not in NOT_SURNAMES:
                surnames.setdefault(last, set()).add(m.entity_id)
                person_info.setdefault(m.entity_id, (m.entity_type, m.entity_id, m.canonical, m.start))
                surname_at[last] = min(surname_at.get(last, m.start), m.start)
    first_tok: dict[str, list] = {}
    for toks, info in names.items():
        first_tok.setdefault(toks[0], []).append((toks, info))
    for v in first_tok.values():
        v.sort(key=lambda x: -len(x[0]))
    return first_tok, surnames, surname_at, person_info


def _tagger_surnames(text: str, chosen: list[Mention], surnames: dict, surname_at: dict, person_info: dict) -> None:
    """A one-word person the tagger found (وو) after a full name ending in it (جوزيف وو) is
    that person (replaced in `chosen`)."""
    for k, m in enumerate(chosen):
        if m.method == "tagger" and m.entity_type == "PER" and " " not in m.surface:
            last = without_proclitic(letter_form(m.surface))
            ids = surnames.get(last)
            if ids and len(ids) == 1 and surname_at[last] < m.start:
                eid = next(iter(ids))
                full = person_info[eid]
                chosen[k] = make_mention(text, m.start, m.end, eid, "PER", full[2], "surname")


def _name_at(text: str, norm_words: list[tuple], i: int, names: list) -> tuple | None:
    """(number of words, info, "doc_consistency") of the longest of `names` (words, info)
    whose other words follow word i, with only spaces between them; else None."""
    n = len(norm_words)
    for toks, info in names:
        L = len(toks)
        if i + L <= n and all(norm_words[i + k][2] == toks[k] for k in range(1, L)):
            # the words must be contiguous (single spaces / nothing but spaces between)
            if all(text[norm_words[i + k - 1][1]:norm_words[i + k][0]].strip() == ""
                   for k in range(1, L)):
                return (L, info, "doc_consistency")
    return None
