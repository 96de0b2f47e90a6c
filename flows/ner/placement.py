"""Placing the names the precise mode accepts: longer first, each over the gazetteer places
and nisba forms it contains (جامعة القاهرة replaces القاهرة) and nowhere else already taken,
with its id: the gazetteer's when its fold is a gazetteer name's, the person named in full
earlier in the text, or an auto id."""
from __future__ import annotations

import bisect

from flows.ner.decide import Candidate, decide
from flows.ner.gazetteer import load_gazetteer
from flows.ner.ids import auto_id, fold, gazetteer_folds
from flows.ner.lexicon import NAME_CONNECTORS
from flows.ner.mention import Mention
from flows.ner.words import matching_form


def place(text: str, gaz: list[Mention], cands: list[tuple], things: list[tuple]
          ) -> tuple[list[Mention], list[tuple[Mention, Candidate]], bytearray]:
    """The mentions of the text: the gazetteer's `gaz`, less those an accepted name contains,
    plus the candidates (start, end, Candidate, canonical name) :func:`decide` accepts and the
    named things (start, end, type, rule, canonical name) that find room. Also the accepted
    (mention, candidate) pairs and the characters taken (for the document pass)."""
    gstarts = [m.start for m in gaz]
    taken = bytearray(len(text) + 1)
    for m in gaz:
        taken[m.start:m.end] = b"\x01" * (m.end - m.start)
    drop: set[int] = set()

    def placeable(s: int, e: int) -> list[int] | None:
        """The gazetteer mentions wholly inside [s, e) (the new name replaces them), or None
        when any other part of the span is already taken."""
        lo = max(0, bisect.bisect_left(gstarts, s) - 1)
        inside = [k for k in range(lo, bisect.bisect_left(gstarts, e)) if s <= gaz[k].start and gaz[k].end <= e]
        free = bytearray(taken[s:e])
        for k in inside:
            free[gaz[k].start - s:gaz[k].end - s] = b"\x00" * (gaz[k].end - gaz[k].start)
        return None if any(free) else inside

    adds = _place_names(text, cands, placeable, drop, taken, gaz)
    thing_adds: list[Mention] = []
    for s, e, typ, rule, canonical in things:
        inside = placeable(s, e)
        if inside is None:
            continue
        drop.update(inside)  # the building's saint or city is part of its name, not a mention
        eid = auto_id(typ, matching_form(canonical))  # للدوري الإنجليزي: the span is لدوري ..., the name الدوري ...
        chosen_thing = Mention(s, e, text[s:e], eid, typ, canonical, "rule_" + rule, "name")
        thing_adds.append(chosen_thing)
        taken[s:e] = b"\x01" * (e - s)
    chosen = [m for k, m in enumerate(gaz) if k not in drop] + [m for m, _ in adds] + thing_adds
    return chosen, adds, taken


def _place_names(text: str, cands: list[tuple], placeable, drop: set[int], taken: bytearray,
                 gaz: list[Mention] = ()) -> list[tuple[Mention, Candidate]]:
    """Decide each candidate, longer first (then earlier); an accepted one that has room is
    placed: the gazetteer mentions it contains go to `drop`, its characters to `taken`."""
    folds = gazetteer_folds()
    g = load_gazetteer()
    adds: list[tuple[Mention, Candidate]] = []
    full_names: dict[tuple, tuple] = {}  # (first word, last word) -> (words, mention) of a person of 3+ words
    short_forms: dict[tuple, Mention] = {}  # (first word, last word) -> a gazetteer person named by two words
    for m in gaz:  # a person the gazetteer knows, named in this text, is the one its other forms name
        words = tuple(matching_form(m.surface).split())
        if m.entity_type != "PER" or m.mention_kind != "name" or any(w in NAME_CONNECTORS for w in words):
            continue
        if len(words) >= 3:
            full_names.setdefault((words[0], words[-1]), (words, m))
        elif len(words) == 2:
            short_forms.setdefault(words, m)
    for s, e, c, canonical in sorted(cands, key=lambda x: (x[0] - x[1], x[0])):
        ok, rule = decide(c)
        if not ok:
            continue
        inside = placeable(s, e)
        if inside is None:
            continue
        name = " ".join(c.words)
        idx = folds.get(fold(name))
        if c.source == "quoted":
            # صحيفة «الشرق الأوسط» is the newspaper the gazetteer knows as صحيفة الشرق الأوسط,
            # never the region
            idx = folds.get(fold(c.head + " " + name), idx)
            if idx is not None and g.entities[idx].entity_type != "ORG":
                idx = None
        if idx is not None:
            ent = g.entities[idx]
            eid, typ, canonical = ent.entity_id, ent.entity_type, ent.canonical_name
        else:
            eid, typ = auto_id(c.typ, name), c.typ
            if c.typ == "PER" and len(c.words) >= 2:
                # فادي البطش after فادي محمد البطش: the same first and last name in one text is
                # the person named in full (longer names are placed first)
                full = full_names.get((c.words[0], c.words[-1]))
                if full is not None and len(full[0]) > len(c.words):
                    eid, canonical = full[1].entity_id, full[1].canonical
                # فادي محمد البطش beside فادي البطش, a person the gazetteer knows by two words
                short = short_forms.get((c.words[0], c.words[-1]))
                if short is not None and len(c.words) > 2 and not any(w in NAME_CONNECTORS for w in c.words):
                    eid, canonical = short.entity_id, short.canonical
        drop.update(inside)
        m_new = Mention(s, e, text[s:e], eid, typ, canonical, "rule_" + rule, "name")
        if typ == "PER" and len(c.words) >= 3 and not any(w in NAME_CONNECTORS for w in c.words):
            # not across a patronymic chain: عبد العزيز is not عبد الله بن عبد العزيز
            full_names.setdefault((c.words[0], c.words[-1]), (c.words, m_new))
        adds.append((m_new, c))
        taken[s:e] = b"\x01" * (e - s)
    return adds


def sorted_non_overlapping(chosen: list[Mention]) -> list[Mention]:
    """Final guard of both modes: sorted by position, the first of overlapping mentions kept."""
    chosen = sorted(chosen, key=lambda m: (m.start, m.end))
    out: list[Mention] = []
    for m in chosen:
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out
