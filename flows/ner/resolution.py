"""Which country's body a generic organisation name is, within one article.

وزارة الصحة, مجلس النواب, هيئة الأركان: a head noun and common words name a different body
in each country. Left alone, every Ministry of Health of every article would be one entity in
the warehouse. So, for an organisation the gazetteer does not know whose name is generic (an
indefinite head noun followed only by common definite words, no place or name in it):

- with a country's nisba at its end (وزارة الصحة الفلسطينية) it is that country's body;
- bare (وزارة الصحة), it is the body of the country the article makes clear: the country of
  the same name with a nisba elsewhere in the article, else the article's country (the country
  its places and nisbas point to, by a clear majority); otherwise it stays generic.

A club the gazetteer knows by a name several countries' clubs share (الأهلي, النصر: subtype
``sports_club_shared``) is resolved the same way: ``org:club:al_ahli:sa``.

The country's body has one id whatever the spelling: ``org:auto:<fold of the generic
name>:<country code>`` (``org:auto:وزرهالصحه:ps``), named by the generic name and the nisba
that agrees with its head (وزارة الصحة الفلسطينية, مجلس النواب الأردني). Only the heads of
bodies every country has count (``data/org_heads_national.txt``: not a newspaper, a club or a
company, whose common-word name is one title). Persons are never touched: merging never glues
two people together.
"""
from __future__ import annotations

import dataclasses
import functools
from collections import Counter

from flows.ner.gazetteer import load_gazetteer
from flows.ner.ids import fold, gazetteer_folds
from flows.ner.lexicon import ORG_HEADS_NATIONAL
from flows.ner.matcher import extract_mentions
from flows.ner.mention import Mention
from flows.ner.words import RARE_FREQ, ant_freq, matching_form

# an article's country is clear when its top country is named this often and at least this
# many times as often as the next one
MIN_COUNTRY_MENTIONS = 2
COUNTRY_LEAD = 2.0


@functools.lru_cache(maxsize=1)
def _by_id() -> dict:
    g = load_gazetteer()
    return {e.entity_id: (e, idx) for idx, e in enumerate(g.entities)}


@functools.lru_cache(maxsize=1)
def _country_of_code() -> dict:
    """ISO code -> the country entity's index."""
    g = load_gazetteer()
    return {e.country_code: idx for idx, e in enumerate(g.entities)
            if e.subtype == "country" and e.country_code}


def country_code_of(entity_id: str) -> str | None:
    """The country a gazetteer place (a country or a city) is in; None for anything else."""
    found = _by_id().get(entity_id)
    if found is None or found[0].entity_type != "LOC":
        return None
    return found[0].country_code


def shared_name(entity_id: str) -> bool:
    """A gazetteer organisation whose name several countries' bodies share (الأهلي: clubs in
    Egypt, Saudi Arabia, Qatar ...: subtype ``sports_club_shared``)."""
    found = _by_id().get(entity_id)
    return found is not None and found[0].subtype == "sports_club_shared"


def article_country(mentions: list[Mention]) -> str | None:
    """The country the article is about, when its places and nisbas make it clear."""
    counts = Counter(cc for m in mentions if (cc := country_code_of(m.entity_id)))
    if not counts:
        return None
    (top, n), *rest = counts.most_common(2) + [(None, 0)]
    second = rest[0][1]
    return top if n >= MIN_COUNTRY_MENTIONS and n >= COUNTRY_LEAD * second else None


@functools.lru_cache(maxsize=4096)
def generic_name(name: str) -> tuple[str, str | None] | None:
    """(the generic name, the country code of a nisba ending it) when ``name`` is a generic
    body's name: the head noun of a national body (وزارة, مجلس, البنك ...: data/
    org_heads_national.txt), then one to three common definite
    words (ANT frequency at least RARE_FREQ), no gazetteer place or name among them, and
    at most a country's nisba at the end. None for a proper name (جامعة القاهرة, شركة أبل)."""
    words = name.split()
    if len(words) < 2 or matching_form(words[0]) not in ORG_HEADS_NATIONAL:
        return None
    country = None
    inner = extract_mentions(name)
    if inner:
        last = inner[-1]
        # a nisba, or a country name read as one (وزارة الصحة السعودية): one word, at the end
        if len(inner) > 1 or last.end != len(name) or " " in last.surface or not last.surface.startswith("ال"):
            return None
        country = country_code_of(last.entity_id)
        if country is None:
            return None
        words = name[:last.start].split()
    rest = words[1:]
    if not 1 <= len(rest) <= 3 or not all(w.startswith("ال") and ant_freq(w) >= RARE_FREQ for w in rest):
        return None
    return " ".join(words), country


@functools.lru_cache(maxsize=4096)
def international_body(generic: str):
    """The gazetteer entity named by the generic name + الدولي/الدولية (مجلس الأمن -> مجلس الأمن
    الدولي, صندوق النقد -> صندوق النقد الدولي), or None: news names it bare."""
    folds = gazetteer_folds()
    g = load_gazetteer()
    for adjective in ("الدولي", "الدولية"):
        idx = folds.get(fold(f"{generic} {adjective}"))
        if idx is not None and g.entities[idx].entity_type == "ORG":
            return g.entities[idx]
    return None


def scoped_name(generic: str, country: str) -> str:
    """The generic name with the nisba of ``country`` that agrees with its head: feminine
    after a head in ة (وزارة الصحة الفلسطينية), masculine otherwise (مجلس النواب الأردني);
    with the country's name in brackets when the gazetteer has no nisba for it."""
    g = load_gazetteer()
    idx = _country_of_code().get(country)
    if idx is None:
        return f"{generic} ({country})"
    nisbas = [n for n in g.nisbas[idx] if n.startswith("ال")] if g.nisbas else []
    feminine = generic.split()[0].endswith("ة")
    # the adjective, not a people's plural (الروس, الأمريكيون)
    fitting = [n for n in nisbas if (n.endswith("ية") if feminine else n.endswith("ي"))]
    if fitting:
        return f"{generic} {min(fitting, key=len)}"
    name = g.entities[idx].canonical_name
    if name.startswith("ال") and name.endswith("ية") and " " not in name:
        # a country named by its nisba (السعودية): the name is the feminine form
        return f"{generic} {name if feminine else name[:-1]}"
    return f"{generic} ({g.entities[idx].canonical_name})"


def scope_generic_bodies(mentions: list[Mention]) -> list[Mention]:
    """The article's mentions (all its fields together, in any order) with each generic
    body's mention given its country's id and name where the article makes the country clear
    (see the module doc); every other mention unchanged, offsets and surfaces untouched."""
    named: dict[int, tuple[str, str | None]] = {}
    explicit: dict[str, set[str]] = {}
    for k, m in enumerate(mentions):
        if m.entity_type != "ORG" or m.mention_kind != "name":
            continue
        if shared_name(m.entity_id):
            named[k] = (m.canonical, None)  # الأهلي: Egypt's, Saudi Arabia's, Qatar's ...
            continue
        if not m.entity_id.startswith("org:auto:"):
            continue
        found = generic_name(m.canonical)
        if found is None:
            continue
        named[k] = found
        if found[1]:
            explicit.setdefault(found[0], set()).add(found[1])
    if not named:
        return mentions
    fallback = article_country(mentions)
    out = list(mentions)
    for k, (generic, country) in named.items():
        body = international_body(generic) if country is None and not explicit.get(generic) else None
        if body is not None:
            # مجلس الأمن, صندوق النقد bare: the international body, not the article's country's
            out[k] = dataclasses.replace(out[k], entity_id=body.entity_id, canonical=body.canonical_name)
            continue
        if country is None:
            stated = explicit.get(generic, set())
            country = next(iter(stated)) if len(stated) == 1 else (fallback if not stated else None)
        if country is None:
            continue
        base = out[k].entity_id if shared_name(out[k].entity_id) else f"org:auto:{fold(generic)}"
        out[k] = dataclasses.replace(out[k], entity_id=f"{base}:{country.lower()}",
                                     canonical=scoped_name(generic, country))
    return out
