"""Context rules for places: the name after a place cue (مدينة, ولاية, إقليم ...), and a
country name that agrees as an adjective with the noun before it (القنصلية السعودية)."""
from __future__ import annotations

import dataclasses

from flows.ner.decide import Candidate
from flows.ner.ids import canonical_name
from flows.ner.lexicon import CURRENCIES, ORG_HEADS, PLACE_CUES, PLACE_LIST_CUES, STOP_WORDS
from flows.ner.mention import Mention
from flows.ner.persons import honoured_person
from flows.ner.tokens import Token, span_start, word_before
from flows.ner.words import (RARE_FREQ, adjective_like, ant_freq, gazetteer_modifiers, matching_form, reading_in,
                              name_like, strip_conj)


def country_as_adjective(text: str, gaz: list[Mention]) -> list[Mention]:
    """A one-word country name that is also its feminine nationality adjective (السعودية)
    right after a definite feminine noun agrees with that noun: القنصلية السعودية, المخابرات
    السعودية, القمة الأمريكية السعودية are Saudi things, so the mention becomes a nisba
    mention of the country (kept apart from the country's own counts). After an indefinite
    noun (زيارة السعودية), a verb or a preposition it stays the country."""
    out = []
    for m in gaz:
        if m.mention_kind == "name" and m.entity_id.startswith("loc:country:") and " " not in m.surface:
            n = matching_form(m.surface)
            prev, prev_n = word_before(text, m.start)
            if prev is not None and n.startswith("ال") and n.endswith("يه") and len(n) > 5:
                p = strip_conj(prev_n)
                if p.startswith("ال") and len(p) > 4 and p.endswith(("ه", "ات")):
                    m = dataclasses.replace(m, method="nisba_agreement", mention_kind="nisba")
        out.append(m)
    return out


def place_cue_candidate(toks: list[Token], i: int, reading: tuple, tagged: dict, overlaps,
                        gaz: list[Mention] = ()) -> tuple | None:
    """The place candidate (start, end, Candidate, canonical name) after the place cue at
    token i (`reading`: its proclitic and cue): a name after an honorific (حي الشيخ جراح;
    with adjectives after it the cue is part of the name: مدينة الملك عبدالعزيز الطبية),
    else the tagger's span that starts right after it (up to four words), else the one word
    there; None when no word follows on the line or a gazetteer mention does."""
    t = toks[i]
    n_tok = len(toks)
    j = i + 1
    named = _named_after_person(toks, i, reading, overlaps, gaz)
    if named is not None:
        return named
    if j >= n_tok or not toks[j].word or toks[j].nl or toks[j].gaz >= 0 or toks[j].n in CURRENCIES:
        return None  # (منطقة اليورو: a currency area)
    if reading_in(toks[j].n, PLACE_CUES) is not None:
        return None  # كل مدينة وقرية: two place words, no name
    in_org = i > 0 and toks[i - 1].word and not t.nl and reading_in(toks[i - 1].n, ORG_HEADS) is not None
    sp = tagged.get(j)
    b, agree = (sp[4], True) if sp is not None and sp[3] == j and sp[4] - j <= 4 else (j + 1, False)
    in_list = reading[1] in PLACE_LIST_CUES
    if in_list:  # a list follows (بلدتي حولا وميس الجبل): the first name ends before و
        cut = next((k for k in range(j + 1, b) if toks[k].n[:1] == "و"), b)
        b, agree = cut, agree and cut == b  # (the tagger read the list as one name: no agreement)
    if not all(toks[k].word and not toks[k].nl for k in range(j, b)):
        return None
    raw = [toks[k].raw for k in range(j, b)]
    words = tuple(toks[k].n for k in range(j, b))
    s, e = toks[j].s, toks[b - 1].e
    nxt = toks[b] if b < n_tok and toks[b].word and not toks[b].nl else None
    # after a plural or dual cue, و and a second name show the list (مدن خيام ومخيمات: none)
    listed = in_list and nxt is not None and nxt.n[:1] == "و" and len(nxt.n) > 2 and not nxt.cue \
        and name_like(nxt.n[1:], nxt.raw[1:])
    # a definite word right after (not a nationality nor a stop word) may go on with the
    # name: حي الحجر | الأسود, منطقة بعلبك | الهرمل
    adj_after = nxt is not None and nxt.n.startswith("ال") and nxt.n not in STOP_WORDS \
        and not (nxt.gaz >= 0 and nxt.n in gazetteer_modifiers())
    return (s, e, Candidate("LOC", words, tuple(raw), "place_cue", cue=reading[1], tagger=agree,
                            evidence="list" if listed else "",
                            before="org_head" if in_org else "", after="adjective" if adj_after else "",
                            overlaps=overlaps(s, e),
                            rare=all(ant_freq(w) < RARE_FREQ for w in raw)), canonical_name(raw, False))


def _named_after_person(toks: list[Token], i: int, reading: tuple, overlaps, gaz: list[Mention]) -> tuple | None:
    """The place after the cue at token i named after a person with an honorific (حي الشيخ
    جراح, منطقة السيدة زينب), or None. Definite adjectives after the name (مدينة الملك
    عبدالعزيز الطبية) make the cue part of a facility's name."""
    j = i + 1
    k = honoured_person(toks, j, list(gaz)) if j < len(toks) and not toks[j].nl else 0
    if not k:
        return None
    end = k
    while end < len(toks) and toks[end].word and not toks[end].nl and toks[end].gaz < 0 \
            and adjective_like(toks[end].n) and toks[end].n not in STOP_WORDS:
        end += 1
    first = i if end > k else j
    s, e = (span_start(toks[i], reading[0]) if first == i else toks[j].s), toks[end - 1].e
    raw = [toks[first].raw[s - toks[first].s:]] + [toks[x].raw for x in range(first + 1, end)]
    words = tuple(matching_form(w) for w in raw)
    return (s, e, Candidate("LOC", words, tuple(raw), "place_cue", cue=reading[1], evidence="named_after",
                            overlaps=overlaps(s, e)), canonical_name(raw, False))
