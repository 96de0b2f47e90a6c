"""Context rules for named things: wars, exercises, competitions and buildings, by the shape
of the words after their head noun."""
from __future__ import annotations

import re

from flows.ner.ids import canonical_name
from flows.ner.lexicon import (BUILDING_HEADS, BUILDING_SAINTS, COMPETITION_HEADS, COMPETITION_LINKS,
                               EXERCISE_HEADS, LEAGUE_TIERS, NAMED_THING_HEADS, ORDINALS, WAR, WAR_NAMING_ADJECTIVES)
from flows.ner.mention import Mention
from flows.ner.tokens import QUOTES, Token, span_start
from flows.ner.words import RARE_FREQ, adjective_like, ant_freq, has_clitic, masculine_nisba, name_like, reading_in


_YEAR_RE = re.compile(r"(?:19|20)\d\d$")
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014")


def named_event_or_building(text: str, toks: list[Token], i: int, gaz: list[Mention]
                            ) -> tuple[int, int, str, str] | None:
    """A named war, exercise, competition or building whose head noun is token i: (first
    token, index after the last, type, rule) or None. Rules, by shape: :func:`_war`,
    :func:`_exercise`, :func:`_competition`, :func:`_building`."""
    t = toks[i]
    if reading_in(t.n, WAR) is not None:
        return _war(toks, i, gaz)
    if reading_in(t.n, EXERCISE_HEADS) is not None:
        return _exercise(text, toks, i)
    cup = reading_in(t.n, COMPETITION_HEADS)
    if cup is not None:
        return _competition(toks, i, gaz, cup)
    if reading_in(t.n, BUILDING_HEADS) is not None:
        return _building(toks, i, gaz)
    return None


def _on_line(toks: list[Token], k: int) -> bool:
    """Token k is a word on the same line as the one before it."""
    return k < len(toks) and toks[k].word and not toks[k].nl


def _war(toks: list[Token], i: int, gaz: list[Mention]) -> tuple[int, int, str, str] | None:
    """War (MISC): حرب + two or more nationality/adjective words with an ordinal at the end
    or العالمية/الباردة/الأهلية among them (الحرب الصينية اليابانية الثانية, الحرب
    الأهلية السورية); nationalities alone describe a war (الحرب الروسية الأوكرانية), they
    do not name it."""
    k = i + 1
    mods = 0
    while _on_line(toks, k) and (adjective_like(toks[k].n) or (toks[k].gaz >= 0
                                                               and gaz[toks[k].gaz].mention_kind == "nisba")) \
            and toks[k].n not in ORDINALS:
        mods += 1
        k += 1
    named = any(toks[x].n in WAR_NAMING_ADJECTIVES for x in range(i + 1, k))
    if _on_line(toks, k) and toks[k].n in ORDINALS:
        k += 1
        mods += 1
        named = True
    if mods >= 2 and named:
        return i, k, "MISC", "war"
    return None


def _exercise(text: str, toks: list[Token], i: int) -> tuple[int, int, str, str] | None:
    """Exercise (MISC): مناورات/تدريبات + a definite phrase of one to three words + a dash
    + a year (مناورات التفاعل المشترك – 2022); the name is the phrase and the year."""
    n_tok = len(toks)
    first = i + 1
    if first < n_tok and not toks[first].word and all(ch in QUOTES for ch in toks[first].raw):
        first += 1  # مناورات "التفاعل المشترك – 2022"
    k = first
    while _on_line(toks, k) and k - first < 3 and toks[k].n.startswith("ال"):
        k += 1
    y = k
    while y < n_tok and not toks[y].word and all(ch in _DASHES for ch in toks[y].raw):
        y += 1  # the dash may be a token of its own
    if k == first or y >= n_tok or toks[k - 1].nl or toks[y].nl:
        return None
    between = text[toks[k - 1].e:toks[y].s].strip()
    if between and all(ch in _DASHES for ch in between) and _YEAR_RE.match(toks[y].raw):
        return first, y + 1, "MISC", "exercise"
    return None


def _competition(toks: list[Token], i: int, gaz: list[Mention], cup: tuple) -> tuple[int, int, str, str] | None:
    """Competition (MISC): دوري/كأس/بطولة + an optional أبطال/أمم + a gazetteer place
    (دوري أبطال أوروبا, كأس ألمانيا, بطولة أمم أفريقيا: the place is part of the name,
    not a mention of it); الدوري + a masculine nationality adjective + an optional
    الممتاز/للمحترفين (الدوري الإنجليزي الممتاز). `cup`: the head's (proclitic, word)."""
    n_tok = len(toks)
    k = i + 1
    if cup[1].startswith("ال"):  # الدوري الإنجليزي (الممتاز)
        if not (_on_line(toks, k) and toks[k].gaz >= 0 and gaz[toks[k].gaz].mention_kind == "nisba"
                and masculine_nisba(toks[k].raw)):
            return None
        k += 1
        if _on_line(toks, k) and toks[k].n in LEAGUE_TIERS:
            k += 1
        return i, k, "MISC", "competition"
    if _on_line(toks, k) and toks[k].n in COMPETITION_LINKS:
        k += 1
    if not _on_line(toks, k) or toks[k].gaz < 0:
        return None
    m = gaz[toks[k].gaz]
    if m.mention_kind != "name" or m.entity_type != "LOC" or m.start != toks[k].s:
        return None
    end = k
    while end < n_tok and toks[end].gaz == toks[k].gaz:
        end += 1
    return i, end, "MISC", "competition"


def _building(toks: list[Token], i: int, gaz: list[Mention]) -> tuple[int, int, str, str] | None:
    """Building (LOC): كاتدرائية/كنيسة/مسجد/جامع/قصر/برج/ملعب/استاد/مطار + an optional
    saint (القديس, القديسة) + a name: a gazetteer name or a word rare in ANT
    (كاتدرائية القديسة صوفيا; not the city Sofia). A bare genitive (مسجد القرية) is not a
    name."""
    n_tok = len(toks)
    k = i + 1
    if _on_line(toks, k) and toks[k].n in BUILDING_SAINTS:
        k += 1
    if not _on_line(toks, k):
        return None
    if toks[k].gaz >= 0:
        m = gaz[toks[k].gaz]
        if m.mention_kind != "name" or m.start != toks[k].s:
            return None
        end = k
        while end < n_tok and toks[end].gaz == toks[k].gaz:
            end += 1
        return i, end, "LOC", "building"
    if name_like(toks[k].n, toks[k].raw) and not toks[k].n.startswith("ال") and not has_clitic(toks[k].raw) \
            and not toks[k].n.endswith("يه") and ant_freq(toks[k].raw) < RARE_FREQ:  # not كنيسة أرثوذكسية
        return i, k + 1, "LOC", "building"
    return None


def named_things(text: str, toks: list[Token], gaz: list[Mention]) -> list[tuple]:
    """(start, end, type, rule, canonical name) of the named wars, exercises, competitions and
    buildings of the text (:func:`named_event_or_building`); a proclitic on the head is left
    out of the span (للدوري الإنجليزي: the span is لدوري ..., the name الدوري ...)."""
    things: list[tuple] = []
    for i in [i for i, t in enumerate(toks) if t.thing]:
        found = named_event_or_building(text, toks, i, gaz)
        if found:
            a, b, typ, rule = found
            pre = reading_in(toks[a].n, NAMED_THING_HEADS)
            s_ = span_start(toks[a], pre[0]) if pre else toks[a].s
            raw = [text[s_:toks[a].e]] + [toks[k].raw for k in range(a + 1, b)]
            things.append((s_, toks[b - 1].e, typ, rule, canonical_name(raw, bool(pre) and pre[0].endswith("لل"))))
    return things
