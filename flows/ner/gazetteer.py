"""The gazetteer (``seeds/gazetteer/entities.csv`` and ``entities_people.csv``) as one Aho-Corasick automaton over the
normalized keys of every entity (canonical names, aliases, weak aliases, nisba forms), with
the surnames of its persons; loaded once."""
from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from flows.ner.lexicon import GENERIC_MODIFIERS, NOT_SURNAMES
from flows.normalize import normalize

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "seeds" / "gazetteer" / "entities.csv"
LIST_SOURCES = frozenset({"wikidata", "nerar", "wikifane", "corpus"})
CORE_CITY_POPULATION = 300_000


@dataclass(frozen=True)
class Entity:
    entity_id: str
    canonical_name: str
    entity_type: str
    name_en: str | None
    subtype: str | None
    source: str | None
    country_code: str | None = None  # of a place: ISO 3166 alpha-2
    population: int | None = None

    @property
    def core(self) -> bool:
        """Curated, a country, or a city of 300k people or more: not one of the long name lists
        (persons of Wikidata/NERAr, small towns, WikiFANE places, organisations mined from news). Rules that learn from the
        gazetteer's names (first words of persons, of multi-word names) read the core only."""
        sources = set((self.source or "").split("+"))
        if sources and sources <= LIST_SOURCES:
            return False
        return not (self.subtype == "city" and (self.population or 0) < CORE_CITY_POPULATION)


# kinds of automaton entries
NAME, NISBA, WEAK = 0, 1, 2
KIND_LABEL = {NAME: "name", NISBA: "nisba", WEAK: "name"}


@dataclass(frozen=True)
class _Info:
    entity: Entity
    cue_class: str  # PER LOC ORG AGENCY MISC


@dataclass(frozen=True)
class Gazetteer:
    entities: tuple[Entity, ...]
    infos: tuple[_Info, ...]
    automaton: object  # ahocorasick.Automaton: key -> tuple of (entity_index, kind, lam_only, key_len)
    surnames: dict  # normalized surname -> tuple of entity indexes (persons)
    modifiers: frozenset  # nisba keys + generic adjectives, skipped when looking for a title
    names: tuple = ()  # per entity index: its canonical name and aliases as written
    nisbas: tuple = ()  # per entity index: its nisba forms as written (الفلسطيني, الفلسطينية ...)

    def __hash__(self) -> int:  # identity hash: usable as a cache key
        return id(self)


def _split(cell: str | None) -> list[str]:
    return [p for p in (cell or "").split("|") if p.strip()]


def _key(s: str) -> str:
    return re.sub(r"\s+", " ", normalize(s)).strip()


def load_gazetteer(path=None) -> Gazetteer:
    """The gazetteer at `path` (default seeds/gazetteer/entities.csv); the default is loaded once."""
    if path is None:
        return _load_default()
    return _load(str(path))


@functools.lru_cache(maxsize=1)
def _load_default() -> Gazetteer:
    return _load(str(DEFAULT_PATH))


def _load(path: str) -> Gazetteer:
    """`path` and its companion files `<stem>_*.csv` (entities_people.csv: the persons of the long
    name lists), one entity index space across them."""
    rows = []
    main = Path(path)
    for p in [main, *sorted(main.parent.glob(main.stem + "_*.csv"))]:
        with open(p, encoding="utf-8", newline="") as f:
            rows += list(csv.DictReader(f))
    entities: list[Entity] = []
    infos: list[_Info] = []
    keys: dict[str, list[tuple[int, int, bool, int]]] = {}
    nisba_keys: set[str] = set()
    person_names: list[tuple[int, list[str]]] = []
    entity_names: list[tuple[str, ...]] = []
    entity_nisbas: list[tuple[str, ...]] = []

    def add(k: str, idx: int, kind: int) -> None:
        if len(k.replace(" ", "")) < 2:
            return
        keys.setdefault(k, []).append((idx, kind, False, len(k)))
        if k.startswith("ال") and len(k) > 3:
            lk = k[1:]  # للصين: ل + (ا)لصين
            keys.setdefault(lk, []).append((idx, kind, True, len(lk)))

    for idx, r in enumerate(rows):
        e = Entity(r["entity_id"], r["canonical_ar"], r["entity_type"], r.get("name_en") or None,
                   r.get("subtype") or None, r.get("source") or None, r.get("country_code") or None,
                   int(r["population"]) if (r.get("population") or "").isdigit() else None)
        entities.append(e)
        cue = {"agency": "AGENCY", "sports_club": "CLUB", "sports_club_common": "CLUB_COMMON",
               "sports_club_shared": "CLUB_COMMON"}.get(e.subtype or "", e.entity_type)
        infos.append(_Info(e, cue))
        entity_names.append((r["canonical_ar"], *_split(r.get("aliases"))))
        entity_nisbas.append(tuple(_split(r.get("nisba"))))
        weak = {_key(w) for w in _split(r.get("weak_aliases"))}
        strong = {_key(a) for a in [r["canonical_ar"], *_split(r.get("aliases"))]} - weak
        for k in strong:
            add(k, idx, NAME)
        for k in weak:
            add(k, idx, WEAK)
        for n in _split(r.get("nisba")):
            k = _key(n)
            add(k, idx, NISBA)
            nisba_keys.add(k)
        if e.entity_type == "PER":
            person_names.append((idx, [k for k in strong if " " in k]))

    first_names = {w for _, names in person_names for k in names for w in k.split()[:-1]}
    surnames: dict[str, set[int]] = {}
    for idx, names in person_names:
        for k in names:
            last = k.split()[-1]
            if len(last) >= 3 and last not in NOT_SURNAMES and last not in first_names and last not in keys:
                surnames.setdefault(last, set()).add(idx)

    automaton = ahocorasick.Automaton()
    for k, entries in keys.items():
        automaton.add_word(k, tuple(entries))
    automaton.make_automaton()
    return Gazetteer(tuple(entities), tuple(infos), automaton,
                     {k: tuple(sorted(v)) for k, v in surnames.items()},
                     frozenset(nisba_keys) | GENERIC_MODIFIERS, tuple(entity_names), tuple(entity_nisbas))


def known_entities(gazetteer=None) -> list[Entity]:
    return list((gazetteer or load_gazetteer()).entities)
