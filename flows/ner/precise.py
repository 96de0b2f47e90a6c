"""The precise mode, what the pipeline uses: :func:`extract_precise`.

Every gazetteer mention is kept as the gazetteer matcher finds it (a gazetteer place or
nisba inside an accepted organisation name gives way to it: جامعة القاهرة), read again in
its context where sports news or agreement says so; a name the gazetteer does not know is
added only when :func:`flows.ner.decide.decide` accepts it. Candidates come from several
places, each carrying the evidence decide() needs:
  - the tagger's person spans, and names a title introduces with a known first name (PER,
    :mod:`flows.ner.persons`);
  - an organisation head noun (وزارة, جامعة, معهد, حزب ...) and the extent that
    :func:`flows.ner.organisations.org_extent` reads after it (a genitive, adjectives, a لل
    complement), or a name in quotes after it;
  - a place cue (مدينة, ولاية, إقليم, محافظة ...) and the name after it (LOC,
    :mod:`flows.ner.places`);
  - a head noun of a war, exercise, competition or building (:mod:`flows.ner.events`).
The tagger's other spans (LOC, ORG, MISC without a cue) are never added on their own.
A document pass (:func:`flows.ner.document.find_again`) then finds the accepted names again
in the same text, and a later bare surname of an accepted person; gazetteer names are not
propagated (the gazetteer finds its own, and weak aliases such as كيف need their context
each time).
"""
from __future__ import annotations

import bisect
import dataclasses
import re

from flows.ner import tagger
from flows.ner.context import drop_out_of_context
from flows.ner.decide import decide
from flows.ner.document import find_again
from flows.ner.events import named_things
from flows.ner.ids import auto_id, canonical_name
from flows.ner.lexicon import ORG_HEADS, PLACE_CUES, STOP_WORDS
from flows.ner.matcher import extract_mentions
from flows.ner.mention import Mention
from flows.ner.organisations import elided_ministry_candidates, org_head_candidate, org_name_part, quoted_candidates
from flows.ner.persons import person_candidates
from flows.ner.placement import place, sorted_non_overlapping
from flows.ner.places import country_as_adjective, place_cue_candidate
from flows.ner.sports import clubs_by_context, national_teams
from flows.ner.tokens import Token, tokens_of
from flows.ner.words import matching_form, reading_in


def extract_precise(text: str) -> list[Mention]:
    """The precise mode (what the pipeline uses): every gazetteer mention plus the names
    :func:`flows.ner.decide.decide` accepts (see the module doc). Sorted, non-overlapping,
    ``text[m.start:m.end] == m.surface``."""
    if not text:
        return []
    return precise_mentions(text)


def precise_mentions(text: str, document_pass: bool = True) -> list[Mention]:
    """:func:`extract_precise` of a non-empty text; ``document_pass=False`` leaves out the
    document pass."""
    gaz = _gazetteer_mentions(text)
    token_spans = tagger.tokenize(text)
    toks = tokens_of(text, gaz, token_spans)
    if not toks:
        return drop_out_of_context(text, list(gaz))
    spans, tagged = _tagger_spans(text, toks, token_spans)
    overlaps = _overlap_kinds(gaz)
    cands = person_candidates(text, toks, gaz, spans, overlaps)
    cue_tokens = [i for i, t in enumerate(toks) if t.cue and t.gaz < 0]
    cands += _head_and_cue_candidates(text, toks, cue_tokens, gaz, tagged, overlaps)
    cands += quoted_candidates(toks, cue_tokens, gaz, overlaps)
    cands += elided_ministry_candidates(text, toks, gaz, overlaps)
    things = named_things(text, toks, gaz)
    _mark_persons_named_like_organisations(cands)
    chosen, adds, taken = place(text, gaz, cands, things)
    if document_pass and adds:
        chosen += find_again(text, toks, adds, taken, tagged)
    return drop_out_of_context(text, sorted_non_overlapping(chosen))


def _gazetteer_mentions(text: str) -> list[Mention]:
    """The gazetteer's mentions, read in context: a city as its club, a country as its national
    team in sports news, a country name as the adjective it agrees as."""
    found = national_teams(text, clubs_by_context(text, extract_mentions(text)))
    return country_as_adjective(text, [_competition_for(text, m) for m in found if not _fathers_name(text, m)])


_FOR_WHOM = re.compile(r"\s+(لل\w{3,})")
_TIMES = frozenset(matching_form(w) for w in ("المرة", "الموسم", "النسخة", "الدورة", "الوقت"))


def _competition_for(text: str, m: Mention) -> Mention:
    """A known competition followed by لل + whom it is for is another competition: كأس العالم
    للشباب, كأس العالم للأندية (the youth, the clubs' cup), not the World Cup."""
    if m.entity_type != "MISC" or m.mention_kind != "name":
        return m
    more = _FOR_WHOM.match(text, m.end)
    if more is None:
        return m
    whom = "ال" + matching_form(more.group(1))[2:]
    if whom in STOP_WORDS or whom in _TIMES:
        return m  # فاز بكأس العالم للمرة الثانية: a time, not whom it is for
    name = text[m.start:more.end()]
    return Mention(m.start, more.end(), name, auto_id("MISC", matching_form(name)), "MISC",
                   canonical_name([name], False), "rule_competition_for", "name")


_PATRONYMIC = re.compile(r"(?:^|\s)(?:بن|ابن|بنت|إبن)\s+$")


def _fathers_name(text: str, m: Mention) -> bool:
    """A known person's name right after بن/بنت is the father's, inside another person's name
    (الأمير سلطان بن | سلمان بن عبد العزيز): not a mention of the father."""
    return (m.entity_type == "PER" and m.mention_kind == "name"
            and _PATRONYMIC.search(text, max(0, m.start - 6), m.start) is not None)


def _tagger_spans(text: str, toks: list[Token], token_spans: list[tuple[int, int]]) -> tuple[list[tuple], dict]:
    """The tagger's spans (stage 1) on the tokens: (start, end, type, first token, token
    after the last) each, and token index -> the span over it."""
    start_of = {t.s: k for k, t in enumerate(toks)}
    end_of = {t.e: k for k, t in enumerate(toks)}
    spans = []  # (start, end, type, first token, token after the last)
    for s, e, typ in tagger.tag_text(text, stage2=False, spans=token_spans):
        a = start_of.get(s)
        if a is None:  # the tagger cut a proclitic off the first token
            a = start_of.get(text.rfind(" ", 0, s) + 1) if text.rfind(" ", 0, s) >= -1 else None
            if a is None or not (toks[a].s <= s < toks[a].e):
                continue
        b = end_of.get(e)
        if b is not None:
            spans.append((s, e, typ, a, b + 1))
    tagged = {}
    for sp in spans:
        for k in range(sp[3], sp[4]):
            tagged[k] = sp
    return spans, tagged


def _overlap_kinds(gaz: list[Mention]):
    """A function (s, e) -> the sorted kinds ("PER", "LOC", "ORG", "MISC" or "nisba") of the
    gazetteer mentions that [s, e) overlaps."""
    gstarts = [m.start for m in gaz]

    def overlaps(s: int, e: int) -> tuple:
        lo = max(0, bisect.bisect_left(gstarts, s) - 1)
        hi = bisect.bisect_left(gstarts, e)
        return tuple(sorted({m.entity_type if m.mention_kind == "name" else "nisba"
                             for m in gaz[lo:hi] if m.start < e and s < m.end}))
    return overlaps


def _head_and_cue_candidates(text: str, toks: list[Token], cue_tokens: list[int], gaz: list[Mention],
                             tagged: dict, overlaps) -> list[tuple]:
    """Organisation candidates from head nouns and place candidates from place cues, in
    text order (a word that reads as both is an organisation head)."""
    cands = []
    for i in cue_tokens:
        r = reading_in(toks[i].n, ORG_HEADS)
        if r is not None:
            found = org_head_candidate(text, toks, i, r, gaz, tagged, overlaps)
        else:
            r = reading_in(toks[i].n, PLACE_CUES)
            found = place_cue_candidate(toks, i, r, tagged, overlaps, gaz) if r is not None else None
        if found is not None:
            cands.append(found)
    return cands


def _mark_persons_named_like_organisations(cands: list[tuple]) -> None:
    """The same words as a person (with a first name or a title before them) and as the name
    part of an organisation: a person's name wins (فريق صومايلا سيسي is his camp, زعيم
    المعارضة صومايلا سيسي the person); otherwise the organisation does (شركة كريمسون
    هيكساغون ... كريمسون هيكساغون). The loser gets `known_as`, which decide() rejects."""
    strong_people = {c.words for _, _, c, _ in cands if c.typ == "PER" and c.evidence in ("first_name", "title")}
    strong_people |= {w[-1:] for w in strong_people if len(w) >= 2}  # فريق هاردن after جيمس هاردن
    for k, (s, e, c, canonical) in enumerate(cands):
        if c.typ == "ORG" and org_name_part(c) in strong_people:
            cands[k] = (s, e, dataclasses.replace(c, known_as="PER"), canonical)
    org_names = {org_name_part(c) for _, _, c, _ in cands if c.typ == "ORG" and decide(c)[0]} - {()}
    for k, (s, e, c, canonical) in enumerate(cands):
        if c.typ == "PER" and c.words in org_names:
            cands[k] = (s, e, dataclasses.replace(c, known_as="ORG"), canonical)
