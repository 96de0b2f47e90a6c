"""Build `seeds/gazetteer/entities.csv` from the shared raw lists and the curated CSVs.

    python -m flows.build_gazetteer [--shared DIR] [--out FILE] [--refresh-freq]

Inputs (see seeds/gazetteer/README.md for sources and licences):
- ../shared/gazetteer/countries_ar.tsv, countries_umpirsky_ar.tsv  -> countries
- ../shared/gazetteer/cities_ar_geonames.tsv (capitals + population >= 300k),
  cities_ar_cldr.tsv (extra Arabic forms for those cities only)
- ../shared/gazetteer/transliteration_variants_counts.json -> spelling variants
- seeds/gazetteer/curated_*.csv (hand-written, they win every conflict)
- seeds/gazetteer/corpus_org_names.tsv: organisation names mined from the news corpora
  (flows/mine_org_names.py; the build reads the committed list, not the corpora)
- seeds/gazetteer/alias_word_freq.tsv: how often each single-word alias occurs
  in the ANT news corpus (counts only; refreshed with --refresh-freq when the
  corpus is at ../shared/corpus/ant/)

Decisions made here (the matcher in flows/ner/matcher.py trusts them):
- one row per real-world entity; curated rows merge into generated ones by
  entity_id or, for places, by English name;
- aliases shorter than 3 letters are dropped; single-word aliases that are
  frequent common words (alias_word_freq.tsv) become weak, or are dropped
  when curated_alias_overrides.csv says so;
- every normalized key (canonical, alias, weak alias, nisba form) belongs to
  exactly one entity: on a collision the higher-priority entity keeps it
  (curated > country > capital > other city, then population); an entity left
  with no matchable key is dropped and reported.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from flows import gazetteer_lists
from flows.gazetteer_lists import read_tsv
from flows.normalize import normalize

REPO = Path(__file__).resolve().parents[1]
GAZ_DIR = REPO / "seeds" / "gazetteer"
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_OUT = GAZ_DIR / "entities.csv"
FREQ_FILE = GAZ_DIR / "alias_word_freq.tsv"
CORPUS_ORGS_FILE = GAZ_DIR / "corpus_org_names.tsv"
COLUMNS = ["entity_id", "entity_type", "canonical_ar", "name_en", "aliases", "weak_aliases", "nisba", "subtype", "source",
           "country_code", "population", "latitude", "longitude"]
TYPES = {"PER", "LOC", "ORG", "MISC"}

CITY_MIN_POPULATION = 300_000
# ANT has ~7.7 M Arabic tokens. A single-word alias from a raw list that occurs
# this often as a standalone word is more likely a common word than the place.
COMMON_WORD_MIN_COUNT = 150  # generated spelling variants at least this frequent are dropped
# a raw-list name of a city that is not a capital is dropped from this count on
CITY_WORD_DROP_COUNT = 60
BIG_CITY_POPULATION = 500_000
# ISO-like codes in countries_ar.tsv that are not countries
NOT_COUNTRIES = {"AC", "CP", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ", "VA", "UM", "AQ"}
PRIORITY = {"country": 0, "curated": 1, "capital": 2, "city": 3, "list": 4}
# A one-word name of a city under this many people needs its context to count: a place cue
# (مدينة الرملة, محافظة رماح) or another place of its country in the same text (see
# flows.ner.weak_aliases). Thousands of small towns are named like words or surnames (كانتون, بيندر);
# names of two words or more (بيت حانون) count alone.
SMALL_CITY_POPULATION = CITY_MIN_POPULATION
# a word of a list person's name this frequent in ANT is a common word (بيت 540, الله 4,025), unless
# it is a first name; a name made only of such words is not taken (a rare surname: العارضي 0, ندياي 9)
PERSON_WORD_COMMON_COUNT = 300

# transliteration_variants_counts.json keys -> (entity_id, field)
VARIANT_KEYS = {
    "Beijing": ("loc:city:beijing", "aliases"),
    "Xi Jinping": ("per:xi_jinping", "aliases"),
    "Harbin": ("loc:city:harbin", "aliases"),
    "Kyiv": ("loc:city:kyiv", "aliases"),
    "Kazakhstan": ("loc:country:kz", "aliases"),
    "Moscow": ("loc:city:moscow", "aliases"),
    "Washington": ("loc:city:washington", "aliases"),
    "Ukraine": ("loc:country:ua", "aliases"),
    "Putin": ("per:vladimir_putin", "aliases"),
    "Trump": ("per:donald_trump", "aliases"),
    "Obama": ("per:barack_obama", "aliases"),
    "Google": ("org:google", "aliases"),
    "Congress": ("org:us_congress", "aliases"),
    "Georgia": ("loc:country:ge", "aliases"),
    "Angela Merkel": ("per:angela_merkel", "aliases"),
    "Netanyahu": ("per:benjamin_netanyahu", "aliases"),
    "Erdogan": ("per:recep_tayyip_erdogan", "aliases"),
    "Paris": ("loc:city:paris", "aliases"),
    "Pyongyang": ("loc:city:pyongyang", "aliases"),
    "Hong Kong": ("loc:city:hong_kong", "aliases"),
    "Volkswagen": ("org:volkswagen", "aliases"),
    "Bloomberg": ("org:media:bloomberg", "aliases"),
    "America adj": ("loc:country:us", "nisba"),
    "Trump/USA official": ("loc:country:us", "aliases"),
    "Iran": ("loc:country:ir", "aliases"),
    "Russia": ("loc:country:ru", "aliases"),
    "Taiwan": ("loc:country:tw", "aliases"),
    "Virginia": ("loc:region:virginia", "aliases"),
    "Greece": ("loc:country:gr", "aliases"),
    "Gaza": ("loc:region:gaza", "aliases"),
    "Kim Jong-un": ("per:kim_jong_un", "aliases"),
    "Li Keqiang": ("per:li_keqiang", "aliases"),
    "Wang Yi": ("per:wang_yi", "aliases"),
    "Huawei": ("org:huawei", "aliases"),
    "Shanghai": ("loc:city:shanghai", "aliases"),
    "Guangzhou": ("loc:city:guangzhou", "aliases"),
    "Xinjiang": ("loc:region:xinjiang", "aliases"),
    "Astana": ("loc:city:astana", "aliases"),
    "Nazarbayev": ("per:nursultan_nazarbayev", "aliases"),
    "Tokayev": ("per:kassym_jomart_tokayev", "aliases"),
    "Alibaba": ("org:alibaba", "aliases"),
    "Lavrov": ("per:sergey_lavrov", "aliases"),
    "Poroshenko": ("per:petro_poroshenko", "aliases"),
    "Volvo": ("org:volvo", "aliases"),
    "Vienna": ("loc:city:vienna", "aliases"),
    "Pepsi": ("org:pepsico", "aliases"),
    "Geneva": ("loc:city:geneva", "aliases"),
    "Gorbachev": ("per:mikhail_gorbachev", "aliases"),
    # "Vladimir", "November", "Google Play": not entities of their own
}
# spellings in the json that are adjectives or ambiguous, not names
VARIANT_AS_NISBA = {"أوكرانية", "أوكراني", "تايوانية"}
VARIANT_AS_WEAK = {"كيف"}

_ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")


# --------------------------------------------------------------------------- model
@dataclass
class Row:
    entity_id: str
    entity_type: str
    canonical: str
    name_en: str = ""
    aliases: list[str] = field(default_factory=list)
    weak: list[str] = field(default_factory=list)
    nisba: list[str] = field(default_factory=list)
    subtype: str = ""
    sources: list[str] = field(default_factory=list)
    kind: str = "curated"  # curated | country | capital | city  (collision priority)
    population: int = 0
    translit: str = ""
    curated_names: set = field(default_factory=set)  # normalized names written by hand
    was_city: bool = False
    country_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    geonameid: int = 0

    def add(self, attr: str, values) -> None:
        lst = getattr(self, attr)
        for v in values:
            v = clean_name(v)
            if v and v not in lst:
                lst.append(v)

    def add_source(self, src: str) -> None:
        if src and src not in self.sources:
            self.sources.append(src)


def clean_name(s: str) -> str:
    """Trim, drop diacritics/tatweel and collapse spaces; keep letters as written."""
    s = unicodedata.normalize("NFC", s or "").strip()
    s = "".join(ch for ch in s if not ("\u064b" <= ch <= "\u0652" or ch in "\u0640\u0670"))
    return re.sub(r"\s+", " ", s).strip()


def split_multi(s: str, sep: str = "|") -> list[str]:
    return [p.strip() for p in (s or "").split(sep) if p.strip()]


def slug(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


def norm_key(s: str) -> str:
    return re.sub(r"\s+", " ", normalize(s)).strip()


def letters(s: str) -> int:
    return sum(ch.isalpha() for ch in s)


# --------------------------------------------------------------------------- raw lists
def _raw_names(cell: str) -> list[str]:
    """Names from a ' | '-separated cell, without inverted ('إيران، ...') or bracketed forms."""
    return [n for n in split_multi(cell) if "،" not in n and "," not in n and "(" not in n]


def load_countries(shared: Path, curated: dict[str, dict[str, str]]) -> tuple[dict[str, Row], dict[str, tuple[str, str]]]:
    gaz = shared / "gazetteer"
    rows: dict[str, Row] = {}
    capitals: dict[str, tuple[str, str]] = {}
    umpirsky = {r["iso2"]: r["name_ar"] for r in read_tsv(gaz / "countries_umpirsky_ar.tsv")}
    for r in read_tsv(gaz / "countries_ar.tsv"):
        iso = r["iso2"]
        if iso in NOT_COUNTRIES or not r.get("name_en"):
            continue
        cur = curated.get(iso, {})
        drop = {norm_key(d) for d in split_multi(cur.get("drop_aliases", ""))}
        names: list[tuple[str, str]] = []
        for col, src in (("cldr_ar", "cldr"), ("pycountry_ar", "pycountry"), ("mledoze_ar", "mledoze")):
            names += [(n, src) for n in _raw_names(r.get(col, ""))]
        if iso in umpirsky:
            names.append((umpirsky[iso], "umpirsky"))
        names = [(n, s) for n, s in names if norm_key(n) not in drop]
        canonical = cur.get("canonical_ar") or (names[0][0] if names else "")
        if not canonical:
            continue
        row = Row(f"loc:country:{iso.lower()}", "LOC", clean_name(canonical), r["name_en"], subtype="country", kind="country",
                  country_code=iso)
        for n, src in names:
            row.add("aliases", [n])
            row.add_source(src)
        if cur:
            row.add("aliases", split_multi(cur.get("extra_aliases", "")))
            row.curated_names |= {norm_key(n) for n in split_multi(cur.get("extra_aliases", ""))}
            row.add("weak", split_multi(cur.get("weak_aliases", "")))
            row.nisba.extend(nisba_forms(split_multi(cur.get("nisba_stems", ""))))
            row.add_source("curated")
        rows[row.entity_id] = row
        if r.get("capital_en"):
            capitals[iso] = (r["capital_en"], r.get("capital_ar_geonames", ""))
    return rows, capitals


def load_cities(shared: Path, capitals: dict[str, tuple[str, str]]) -> dict[str, Row]:
    gaz = shared / "gazetteer"
    capital_keys = {(iso, en) for iso, (en, _) in capitals.items()}
    cldr: dict[str, list[str]] = {}
    for r in read_tsv(gaz / "cities_ar_cldr.tsv"):
        en = r["tz_id"].rsplit("/", 1)[-1].replace("_", " ")
        cldr.setdefault(en, []).extend(split_multi(r["arabic_forms"]))
    chosen = []
    for r in read_tsv(gaz / "cities_ar_geonames.tsv"):
        pop = int(r["population"] or 0)
        is_capital = (r["country"], r["name"]) in capital_keys
        if pop >= CITY_MIN_POPULATION or is_capital:
            chosen.append((is_capital, pop, r))
    # capitals first, then by population: the first city of a name gets the plain id
    chosen.sort(key=lambda t: (not t[0], -t[1]))
    rows: dict[str, Row] = {}
    seen_caps: set[str] = set()
    for is_capital, pop, r in chosen:
        if is_capital:
            if r["country"] in seen_caps:  # two geonames rows named like the capital
                is_capital = False
            seen_caps.add(r["country"])
        eid = f"loc:city:{slug(r['name'])}"
        if eid in rows:
            eid = f"{eid}_{r['country'].lower()}"
            if eid in rows:
                continue
        names = split_multi(r["arabic_forms"])
        if not names:
            continue
        row = Row(eid, "LOC", clean_name(names[0]), r["name"], subtype="capital" if is_capital else "city",
                  kind="capital" if is_capital else "city", population=pop, country_code=r["country"],
                  geonameid=int(r["geonameid"] or 0))
        row.add("aliases", names)
        row.add_source("geonames")
        if is_capital:
            row.add("aliases", split_multi(capitals[r["country"]][1]))
        if r["name"] in cldr:
            row.add("aliases", cldr[r["name"]])
            row.add_source("cldr")
        rows[eid] = row
    # capitals the geonames list does not hold (e.g. Washington D.C.)
    for iso, (en, ar) in capitals.items():
        if iso in seen_caps or not split_multi(ar) or iso in NOT_COUNTRIES:
            continue
        eid = f"loc:city:{slug(en)}"
        if eid in rows:
            continue
        names = split_multi(ar)
        row = Row(eid, "LOC", clean_name(names[0]), en, subtype="capital", kind="capital", country_code=iso)
        row.add("aliases", names)
        row.add_source("geonames")
        rows[eid] = row
    return rows


# --------------------------------------------------------------------------- more name lists
def _new_id(rows: dict[str, Row], prefix: str, name_en: str, key: str, *qualifiers: str) -> str:
    """`prefix:slug(english)`, qualified (country code, then a hash of the Arabic key) until free."""
    import zlib

    base = f"{prefix}:{slug(name_en)}" if slug(name_en) else f"{prefix}:{zlib.crc32(key.encode()):08x}"
    for candidate in (base, *(f"{base}_{q}" for q in qualifiers if q), f"{base}_{zlib.crc32(key.encode()):08x}"):
        if candidate not in rows:
            return candidate
    return ""


def add_list_cities(rows: dict[str, Row], shared: Path) -> int:
    """Cities of 5,000 people or more (GeoNames) that the big-city list did not hold."""
    have = {r.geonameid for r in rows.values() if r.geonameid}
    added = 0
    for c in gazetteer_lists.cities(shared):
        if c.geonameid in have:
            continue
        eid = _new_id(rows, "loc:city", c.name_en, norm_key(c.name), c.fine.lower())
        if not eid:
            continue
        row = Row(eid, "LOC", clean_name(c.name), c.name_en, subtype="city", kind="city", population=c.population,
                  country_code=c.fine, geonameid=c.geonameid)
        row.add("aliases", list(c.aliases))
        row.add_source("geonames")
        rows[eid] = row
        have.add(c.geonameid)
        added += 1
    return added


def add_coordinates(rows: dict[str, Row]) -> None:
    coords = gazetteer_lists.coordinates()
    for row in rows.values():
        if row.geonameid in coords:
            row.latitude, row.longitude = coords[row.geonameid]


def add_list_people(rows: dict[str, Row], shared: Path) -> int:
    """Full names of persons; a list name of a person already in the gazetteer (same English
    name) becomes another spelling of that person, never a second entity."""
    from flows.ner.lexicon import STOP_WORDS
    from flows.ner.words import ant_freq, first_names

    firsts = frozenset(norm_key(w) for w in first_names())
    added = 0
    for p in gazetteer_lists.people(shared, firsts, norm_key, STOP_WORDS,
                                    common=lambda w: ant_freq(w) >= PERSON_WORD_COMMON_COUNT):
        eid = f"per:{slug(p.name_en)}" if slug(p.name_en) else ""
        if eid in rows and rows[eid].entity_type == "PER":
            rows[eid].add("aliases", [p.name])
            rows[eid].add_source(p.source)
            continue
        eid = _new_id(rows, "per", p.name_en, norm_key(p.name))
        if not eid:
            continue
        row = Row(eid, "PER", clean_name(p.name), p.name_en, subtype="person", kind="list")
        row.add_source(p.source)
        rows[eid] = row
        added += 1
    return added


def add_list_wikifane(rows: dict[str, Row], shared: Path) -> int:
    """Seas, regions, districts, streets, buildings and airports named in WikiFANE by two words or
    more (a one-word name there is a word more often than a name: السوق, الخميس)."""
    added = 0
    for n in gazetteer_lists.wikifane(shared):
        strong = [x for x in (n.name, *n.aliases) if " " in x.strip()]
        if not strong:
            continue
        eid = _new_id(rows, "loc:wf", "", norm_key(strong[0]))
        row = Row(eid, n.entity_type, clean_name(strong[0]), "", subtype=n.fine, kind="list")
        row.add("aliases", strong[1:])
        row.add_source("wikifane")
        rows[eid] = row
        added += 1
    return added


def add_corpus_orgs(rows: dict[str, Row], shared: Path, path: Path | None = None) -> int:
    """Organisation names learnt from the news corpora (`corpus_org_names.tsv`, written by
    `python -m flows.mine_org_names`; rule in its module doc) that the NER's grammar does not read
    by itself (``grammar == 0``). Spellings of one name (the same :func:`flows.ner.ids.fold` once
    the spaces are out: جامعة الملك عبدالعزيز / عبد العزيز) are one entity; the most frequent spelling is its
    canonical name. A key that another entity already has stays that entity's
    (:func:`resolve_collisions`: list rows come last)."""
    from flows.mine_org_names import CORPUS_ID_PREFIX, translit_slug
    from flows.ner.ids import fold

    path = path or CORPUS_ORGS_FILE
    if not path.exists():
        return 0
    groups: dict[str, list[dict[str, str]]] = {}
    for r in read_tsv(path):
        if r.get("grammar") == "0" and r.get("name"):
            groups.setdefault(fold(r["name"].replace(" ", "")), []).append(r)
    added = 0
    for names in groups.values():
        names.sort(key=lambda r: -int(r["docs"]))
        first = clean_name(names[0]["name"])
        eid = _new_id(rows, CORPUS_ID_PREFIX.rstrip(":"), translit_slug(norm_key(first)), norm_key(first))
        if not eid:
            continue
        row = Row(eid, "ORG", first, "", subtype="mined", kind="list")
        row.add("aliases", [r["name"] for r in names[1:]])
        row.add_source("corpus")
        rows[eid] = row
        added += 1
    return added


# --------------------------------------------------------------------------- curated
def read_curated(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if (r.get("entity_id") or "").strip()]


def nisba_forms(stems: list[str]) -> list[str]:
    """Adjective forms of each stem: روسي -> روسي روسية الروسي الروسية روسيون روسيين ...

    A stem starting with '=' is taken literally (irregular plurals such as الروس).
    Multi-word stems (كوري شمالي) inflect every word the same way.
    """
    out: list[str] = []
    for stem in stems:
        if stem.startswith("="):
            out.append(clean_name(stem[1:]))
            continue
        words = clean_name(stem).split()
        for art in ("", "ال"):
            for suf in ("", "ة", "ون", "ين"):
                out.append(" ".join(art + w + suf for w in words))
    return list(dict.fromkeys(out))


_G_TO_J = str.maketrans({"غ": "ج"})
_J_TO_G = str.maketrans({"ج": "غ"})


def translit_variants(name: str, mode: str) -> list[str]:
    """Systematic spelling variants of a foreign name (README rules).

    f   : g written غ or ج (so -ng as نغ/نج); a medial long ي dropped (بوتين/بوتن)
    cjk : f, plus syllables joined or hyphenated (شي جين بينغ / شي جينبينغ / جين-بينغ)
    """
    if not mode:
        return []
    words = name.split()
    out = {name, name.translate(_G_TO_J), name.translate(_J_TO_G)}
    for w_i, w in enumerate(words):
        if len(w) >= 5 and mode in ("f", "cjk"):
            for i in range(2, len(w) - 1):
                if w[i] == "ي" and w[i - 1] not in "اوي" and w[i + 1] not in "اوي":
                    out.add(" ".join(words[:w_i] + [w[:i] + w[i + 1:]] + words[w_i + 1:]))
    if mode == "cjk" and len(words) >= 3:
        for i in range(1, len(words) - 1):
            joined = words[:i] + [words[i] + words[i + 1]] + words[i + 2:]
            hyph = words[:i] + [words[i] + "-" + words[i + 1]] + words[i + 2:]
            out.update({" ".join(joined), " ".join(hyph)})
    more = set()
    for v in out:
        more.update({v.translate(_G_TO_J), v.translate(_J_TO_G)})
    out |= more
    out.discard(name)
    return sorted(out)


def merge_curated(rows: dict[str, Row], curated_rows: list[dict[str, str]], freq: dict[str, int]) -> None:
    by_en = {(r.entity_type, r.name_en.lower()): r for r in rows.values() if r.name_en and r.kind != "curated"}
    for c in curated_rows:
        eid = c["entity_id"].strip()
        etype = c["entity_type"].strip()
        if etype not in TYPES or not c.get("canonical_ar", "").strip():
            raise ValueError(f"bad curated row {eid}: type {etype!r} or empty canonical")
        row = rows.get(eid) or by_en.get((etype, (c.get("name_en") or "").strip().lower()))
        if row is not None and row.entity_id != eid:
            # same place under another id: keep the curated id
            del rows[row.entity_id]
            row.entity_id = eid
        if row is None:
            row = Row(eid, etype, clean_name(c["canonical_ar"]), (c.get("name_en") or "").strip())
        else:
            old = row.canonical
            row.canonical = clean_name(c["canonical_ar"])
            row.add("aliases", [old])
        row.was_city = row.was_city or row.kind in ("city", "capital")
        row.kind = "curated"
        row.entity_type = etype
        row.name_en = (c.get("name_en") or "").strip() or row.name_en
        row.subtype = (c.get("subtype") or "").strip() or row.subtype
        row.translit = (c.get("translit") or "").strip()
        # a curated place the city lists do not match by name (مكة المكرمة) still has its country
        row.country_code = (c.get("country_code") or "").strip() or row.country_code
        row.add("aliases", split_multi(c.get("aliases", "")))
        row.add("weak", split_multi(c.get("weak_aliases", "")))
        row.curated_names |= {norm_key(n) for n in [c["canonical_ar"], *split_multi(c.get("aliases", ""))]}
        row.nisba.extend(nisba_forms(split_multi(c.get("nisba", ""))))
        row.add_source("curated")
        if row.translit:
            generated = []
            for name in [row.canonical, *row.aliases]:
                for v in translit_variants(name, row.translit):
                    # a generated single word that is a common word is noise, not a variant
                    if " " not in v and freq.get(norm_key(v), 0) >= COMMON_WORD_MIN_COUNT:
                        continue
                    generated.append(v)
            before = len(row.aliases)
            row.add("aliases", generated)
            if len(row.aliases) > before:
                row.add_source("translit_rules")
        rows[row.entity_id] = row


def add_json_variants(rows: dict[str, Row], shared: Path) -> None:
    path = shared / "gazetteer" / "transliteration_variants_counts.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for key, spellings in data.items():
        target = VARIANT_KEYS.get(key)
        if not target or target[0] not in rows:
            continue
        row = rows[target[0]]
        for sp in spellings:
            if sp in VARIANT_AS_WEAK:
                row.add("weak", [sp])
            elif sp in VARIANT_AS_NISBA or target[1] == "nisba":
                row.add("nisba", [sp])
            else:
                row.add("aliases", [sp])
        row.add_source("ant_variants")


# --------------------------------------------------------------------------- common words
def load_freq(path: Path = FREQ_FILE) -> dict[str, int]:
    if not path.exists():
        return {}
    out = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or "\t" not in line:
                continue
            w, n = line.rstrip("\n").split("\t")[:2]
            out[w] = int(n)
    return out


def refresh_freq(rows: dict[str, Row], shared: Path, path: Path = FREQ_FILE) -> dict[str, int]:
    """Count, in the ANT corpus, every single-word key the gazetteer could hold."""
    import tarfile

    tar = next((shared / "corpus" / "ant").glob("*.tar.gz"))
    words: set[str] = set()
    for row in rows.values():
        for name in [row.canonical, *row.aliases, *row.weak, *row.nisba]:
            k = norm_key(name)
            if k and " " not in k:
                words.add(k)
    # generated variants of curated names are checked too
    for row in rows.values():
        for name in [row.canonical, *row.aliases]:
            for v in translit_variants(name, row.translit or ""):
                k = norm_key(v)
                if " " not in k:
                    words.add(k)
    counts: Counter[str] = Counter()
    total = 0
    with tarfile.open(tar) as tf:
        for m in tf:
            if not m.isfile():
                continue
            text = tf.extractfile(m).read().decode("utf-8", "replace")
            for body in re.findall(r"<TEXT>(.*?)</TEXT>", text, re.S):
                toks = _ARABIC_WORD.findall(normalize(body))
                total += len(toks)
                counts.update(t for t in toks if t in words)
    with path.open("w", encoding="utf-8") as f:
        f.write(f"# standalone occurrences in ANT v2.1 ({total} Arabic tokens), normalized; only gazetteer words\n")
        for w in sorted(counts, key=lambda w: (-counts[w], w)):
            f.write(f"{w}\t{counts[w]}\n")
    return dict(counts)


def load_overrides(path: Path) -> dict[str, tuple[str, str]]:
    """normalized alias -> (action, entity_id or '') from curated_alias_overrides.csv."""
    out: dict[str, tuple[str, str]] = {}
    if path.exists():
        with path.open(encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                out[norm_key(r["alias"])] = (r["action"].strip(), (r.get("entity_id") or "").strip())
    return out


_MIDWORD_ALEF_MAQSURA = re.compile("ى(?=[ء-ي])|(?:^|(?<=\\s))ئ")


def arabic_spelling(name: str) -> bool:
    """False for names written in another script's use of Arabic letters:
    ى inside a word or ئ opening one (Uyghur-style ئىسلامئاباد, تاللىن, ئاممان in
    GeoNames); in Arabic ى only ends a word and no word starts with ئ."""
    return not _MIDWORD_ALEF_MAQSURA.search(name)


def famous_city_name(name: str, row: Row) -> bool:
    """A frequent one-word name of a big city is frequent because the city is famous
    (بوسطن, برشلونة), unless the word is also a common noun or a first name: a common
    noun takes the article (المشهد, البورصة, الميدان: the city Mashhad, Bursa, Medan),
    a name does not (no البوسطن), so the definite form must be rare. Counts are the ANT
    word counts of the NER model's lexicon."""
    if row.population < BIG_CITY_POPULATION or " " in name.strip() or letters(norm_key(name)) < 4:
        return False
    from flows.ner import tagger
    from flows.ner.words import first_names

    if norm_key(name) in first_names():
        return False
    w = tagger.normalize(name)
    freq = tagger.resources()["freq"]
    forms = {w, w[:-1] + "ة" if w.endswith("ه") else w}  # بورصه / بورصة
    bare = sum(freq.get(f, 0) for f in forms)
    definite = sum(freq.get("ال" + f, 0) for f in forms)
    return definite < 0.2 * max(1, bare)


def apply_word_rules(rows: dict[str, Row], freq: dict[str, int], overrides: dict[str, tuple[str, str]]) -> None:
    """Short, junk and common-word names: drop them or make them weak (see module doc)."""
    club_words = {w for r in rows.values() if r.subtype == "sports_club"
                  for name in [r.canonical, *r.aliases] for w in norm_key(name).split()}
    for eid, row in list(rows.items()):
        keep, weak = [], list(row.weak)
        raw_city = row.kind in ("city", "capital") or row.was_city
        for a in [row.canonical, *row.aliases]:
            k = norm_key(a)
            action, only = overrides.get(k, ("", ""))
            if only and only != row.entity_id:
                action = ""
            n = freq.get(k, 0) if " " not in k else 0
            if letters(k) < 3 or action == "drop" or not arabic_spelling(a):
                continue
            if action == "weak":
                weak.append(a)
            elif action == "keep" or k in row.curated_names or not raw_city:
                keep.append(a)
            elif row.subtype != "capital" and n >= CITY_WORD_DROP_COUNT and (
                    not famous_city_name(a, row) or k in club_words):
                # a minor city's name that is a frequent word: not worth the noise; a big
                # city's name that also names a club (برشلونة, نابولي): in news about either
                # the bare name is ambiguous, so only the club's full names count
                continue
            elif row.subtype == "city" and row.population < SMALL_CITY_POPULATION and " " not in k:
                weak.append(a)  # a small town's one-word name: only with its context
            else:
                keep.append(a)
        # a weak alias needs context, so two letters are allowed there (شي); never one
        weak = [w for w in dict.fromkeys(weak)
                if letters(norm_key(w)) >= 2 and overrides.get(norm_key(w), ("",))[0] != "drop"]
        ck = norm_key(row.canonical)
        if ck not in {norm_key(x) for x in keep} and ck not in {norm_key(w) for w in weak}:
            # the canonical name itself was dropped: promote the first surviving name
            if not keep and not weak:
                del rows[eid]
                continue
            row.canonical = (keep or weak)[0]
        elif not arabic_spelling(row.canonical):  # مىلان: keep the Arabic spelling of the same key
            row.canonical = next((x for x in keep + weak if norm_key(x) == ck), row.canonical)
        row.aliases = [a for a in keep if norm_key(a) != norm_key(row.canonical)
                       and not descriptor_form(a, [row.canonical, *keep])
                       and not (row.entity_type == "LOC" and bare_form_of_definite_name(a, [row.canonical, *keep])
                                and norm_key(a) not in row.curated_names)]  # (written by hand: أوروغواي)
        row.weak = weak
        row.nisba = [n for n in dict.fromkeys(row.nisba) if letters(norm_key(n)) >= 3]


def bare_form_of_definite_name(alias: str, names: list[str]) -> bool:
    """True for رقة when the entity is also called الرقة: a definite place name keeps its
    article in text (للرقة is ل + الرقة), so the bare form is another word (ورقة = "a
    sheet", not و + Raqqa)."""
    k = norm_key(alias)
    return not k.startswith("ال") and " " not in k and ("ال" + k) in {norm_key(n) for n in names}


_DESCRIPTOR_HEADS = frozenset(norm_key(w) for w in "شركة وكالة مجموعة صحيفة قناة".split())


def descriptor_form(alias: str, names: list[str]) -> bool:
    """True for "<descriptor> <another name of the entity> [nisba]": وكالة
    فرانس برس, شركة أرامكو, وكالة تاس الروسية. The descriptor is text about
    the name, not the name, so a mention's span must not include it (the
    bare name is matched anyway)."""
    words = alias.split()
    if len(words) < 2 or norm_key(words[0]) not in _DESCRIPTOR_HEADS:
        return False
    others = {norm_key(n) for n in names if n != alias}
    rest = words[1:]
    while rest:
        if norm_key(" ".join(rest)) in others:
            return True
        if not norm_key(rest[-1]).startswith("ال"):
            return False
        rest = rest[:-1]  # drop a trailing nisba (الروسية) and try again
    return False


# --------------------------------------------------------------------------- collisions
def resolve_collisions(rows: dict[str, Row]) -> list[str]:
    """Give each normalized key to one entity; return a report of what moved."""
    report: list[str] = []
    order = sorted(rows.values(), key=lambda r: (PRIORITY[r.kind], -r.population, r.entity_id))
    owner: dict[str, str] = {}
    for row in order:
        for attr in ("canonical", "aliases", "nisba", "weak"):
            vals = [row.canonical] if attr == "canonical" else getattr(row, attr)
            kept = []
            for v in vals:
                k = norm_key(v)
                if not k:
                    continue
                o = owner.get(k)
                if o is None or o == row.entity_id:
                    owner[k] = row.entity_id
                    kept.append(v)
                else:
                    report.append(f"{k}: kept by {o}, removed from {row.entity_id} ({attr})")
            if attr == "canonical":
                row.canonical_matchable = bool(kept)  # type: ignore[attr-defined]
            else:
                # within one entity: a key listed as strong is not also weak/nisba
                setattr(row, attr, list(dict.fromkeys(kept)))
        weak_keys = {norm_key(w) for w in row.weak}
        canon_weak = norm_key(row.canonical) in weak_keys
        strong = {norm_key(a) for a in row.aliases} | (set() if canon_weak else {norm_key(row.canonical)})
        row.weak = [w for w in row.weak if norm_key(w) not in strong]
        row.nisba = [n for n in row.nisba if norm_key(n) not in strong]
        row.aliases = [a for a in row.aliases if norm_key(a) != norm_key(row.canonical)]
    dropped = []
    for eid, row in list(rows.items()):
        if not getattr(row, "canonical_matchable", True) and not row.aliases and not row.weak and not row.nisba:
            dropped.append(eid)
            del rows[eid]
        elif not getattr(row, "canonical_matchable", True):
            # the canonical belongs to another entity: promote the first own alias
            if row.aliases:
                row.canonical = row.aliases.pop(0)
            else:
                dropped.append(eid)
                del rows[eid]
    report += [f"dropped {eid}: every key belongs to a higher-priority entity" for eid in dropped]
    return report


# --------------------------------------------------------------------------- main
def build(shared: Path = DEFAULT_SHARED, out: Path = DEFAULT_OUT, refresh: bool = False, quiet: bool = False,
          lists: bool | set = True) -> list[Row]:
    gaz_dir = out.parent if out.parent.exists() else GAZ_DIR
    cur_dir = GAZ_DIR
    curated_countries = {r["iso2"]: r for r in csv.DictReader((cur_dir / "curated_countries.csv").open(encoding="utf-8"))}
    rows, capitals = load_countries(shared, curated_countries)
    rows.update(load_cities(shared, capitals))
    freq = load_freq()
    curated: list[dict[str, str]] = []
    for p in sorted(cur_dir.glob("curated_*.csv")):
        if p.name in ("curated_countries.csv", "curated_alias_overrides.csv"):
            continue
        curated += read_curated(p)
    merge_curated(rows, curated, freq)
    add_json_variants(rows, shared)
    if lists:
        adders = {"cities": add_list_cities, "people": add_list_people, "wikifane": add_list_wikifane,
                  "corpus_orgs": add_corpus_orgs}
        chosen = adders if lists is True else {k: v for k, v in adders.items() if k in lists}
        added = {k: add(rows, shared) for k, add in chosen.items()}
        if not quiet:
            print(f"from the name lists: {added}", file=sys.stderr)
    add_coordinates(rows)
    if refresh:
        freq = refresh_freq(rows, shared)
    apply_word_rules(rows, freq, load_overrides(cur_dir / "curated_alias_overrides.csv"))
    report = resolve_collisions(rows)
    result = sorted(rows.values(), key=lambda r: r.entity_id)
    write_csv(result, out)
    (gaz_dir / "build_report.txt").write_text("\n".join(report) + "\n", encoding="utf-8")
    if not quiet:
        by_type = Counter(r.entity_type for r in result)
        print(f"wrote {len(result)} entities to {out}: {dict(by_type)}; {len(report)} collision notes", file=sys.stderr)
    return result


def write_csv(result: list[Row], out: Path) -> None:
    """`entities.csv`, and the persons of the long name lists in `entities_people.csv` beside it
    (the matcher reads both; two files keep each reviewable and under 5 MB)."""
    people = out.with_name(out.stem + "_people.csv")
    listed = [r for r in result if r.entity_type == "PER" and r.kind == "list"]
    _write_rows([r for r in result if not (r.entity_type == "PER" and r.kind == "list")], out)
    _write_rows(listed, people)


def _write_rows(result: list[Row], out: Path) -> None:
    tmp = out.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for r in result:
            w.writerow([r.entity_id, r.entity_type, r.canonical, r.name_en, "|".join(r.aliases), "|".join(r.weak),
                        "|".join(r.nisba), r.subtype, "+".join(r.sources), r.country_code, r.population or "",
                        "" if r.latitude is None else f"{r.latitude:.5f}",
                        "" if r.longitude is None else f"{r.longitude:.5f}"])
    tmp.replace(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--refresh-freq", action="store_true", help="recount alias words in the ANT corpus")
    a = ap.parse_args(argv)
    if not (a.shared / "gazetteer").is_dir():
        print(f"no raw gazetteer lists under {a.shared}/gazetteer", file=sys.stderr)
        return 2
    build(a.shared, a.out, a.refresh_freq)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
