"""Seed evaluation: the matching key, document matching and scores on hand-made
inputs, the noise check, and the honesty of the gold files (every alias is in
its article, noise entries are in their article and are not gold names)."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from flows import seed_eval as S
from flows.normalize import normalize

REPO = Path(__file__).resolve().parents[1]
ARTICLES = REPO / "seeds" / "articles"


def G(typ, canonical, *aliases, note="", file="a.txt"):
    return S.GoldEntity(file, typ, canonical, tuple(aliases), note)


def P(typ, canonical, *surfaces, eid=None):
    return S.PredEntity(eid or f"{typ.lower()}:{canonical}", typ, canonical, tuple(surfaces or (canonical,)))


# --------------------------------------------------------------------------- key
@pytest.mark.parametrize("a,b", [
    ("الصين", "صين"),                      # with / without ال
    ("الولايات المتحدة", "ولايات المتحدة"),  # ال on any word
    ("أوكرانيا", "اوكرانيا"),              # hamza seat on alef
    ("إيران", "ايران"),
    ("مدينة", "مدينه"),                    # ة / ه
    ("موسى", "موسي"),                      # ى / ي
    ("الهادئ", "الهادي"),                  # ئ / ي
    ("“سي إن إن“", "سي إن إن"),            # quotes
    ("شي-بوتين", "شي بوتين"),              # hyphen
    ("CCTV", "cctv"),
    ("بُوتِين", "بوتين"),                   # diacritics
])
def test_key_merges_spelling_noise(a, b):
    assert S.key(a) == S.key(b)


@pytest.mark.parametrize("a,b", [
    ("روسيا", "روسي"),          # the country and its nisba stay apart
    ("شي جين بينغ", "شي جين بينج"),  # foreign spelling variants are the gold's business
    ("الغرب", "غربي"),
    ("بكين", "بكي"),
])
def test_key_keeps_different_names_apart(a, b):
    assert S.key(a) != S.key(b)


def test_key_keeps_short_words_with_al_prefix():
    # "ال" is only dropped when two letters remain: الم is not م
    assert S.key("الم") == "الم"


# --------------------------------------------------------------------------- predicted entities
def test_predicted_entities_groups_by_id_and_drops_nisba():
    ms = [
        {"entity_id": "per:putin", "entity_type": "PER", "canonical": "فلاديمير بوتين", "surface": "بوتين",
         "mention_kind": "name"},
        {"entity_id": "per:putin", "entity_type": "PER", "canonical": "فلاديمير بوتين",
         "surface": "فلاديمير بوتين", "mention_kind": "name"},
        {"entity_id": "per:putin", "entity_type": "PER", "canonical": "فلاديمير بوتين", "surface": "بوتين",
         "mention_kind": "name"},
        {"entity_id": "loc:ru", "entity_type": "LOC", "canonical": "روسيا", "surface": "الروسي",
         "mention_kind": "nisba"},
    ]
    out = S.predicted_entities(ms)
    assert out == [S.PredEntity("per:putin", "PER", "فلاديمير بوتين", ("بوتين", "فلاديمير بوتين"))]


# --------------------------------------------------------------------------- matching
def test_match_by_alias_canonical_and_type():
    gold = [G("PER", "شي جين بينغ", "شي جين بينج", "شي"),
            G("LOC", "الصين", "الصين"),
            G("ORG", "سي إن إن", "سي إن إن"),
            G("PER", "سمير رمزي", "سمير رمزي", "رمزي")]
    pred = [P("PER", "Xi", "شي", eid="per:xi"),           # surface = alias
            P("LOC", "صين", "لصين"),                       # canonical = gold canonical without ال
            P("LOC", "سي إن إن"),                          # right name, wrong type
            P("LOC", "القدس")]                              # not in the gold
    d = S.match_document(gold, pred)
    assert [g.canonical for g, _ in d.tp] == ["شي جين بينغ", "الصين"]
    assert [g.canonical for g in d.fn] == ["سي إن إن", "سمير رمزي"]
    assert sorted(p.canonical for p in d.fp) == ["القدس", "سي إن إن"]
    assert [(p.entity_id, g.canonical) for p, g in d.surface_only] == [("per:xi", "شي جين بينغ")]


def test_nisba_surface_does_not_match_the_country():
    d = S.match_document([G("LOC", "روسيا", "روسيا")], [P("LOC", "روسي", "الروسي")])
    assert not d.tp and len(d.fn) == 1 and len(d.fp) == 1


def test_optional_rows_are_neither_required_nor_penalised():
    gold = [G("LOC", "الغرب", "الغرب", note="optional: the political West"),
            G("LOC", "موسكو", "موسكو")]
    d = S.match_document(gold, [P("LOC", "الغرب")])
    assert not d.tp and not d.fp
    assert [g.canonical for g in d.fn] == ["موسكو"]
    assert [p.canonical for p, _ in d.ignored] == ["الغرب"]
    # an optional row nobody predicted is not a false negative either
    d = S.match_document(gold, [P("LOC", "موسكو")])
    assert d.fn == [] and len(d.tp) == 1


def test_alt_type_in_note_accepts_the_other_type():
    gold = [G("ORG", "الكرملين", "الكرملين", note="alt_type:LOC; metonym")]
    assert len(S.match_document(gold, [P("LOC", "الكرملين")]).tp) == 1
    assert len(S.match_document(gold, [P("PER", "الكرملين")]).fp) == 1


def test_split_entity_counts_once():
    gold = [G("PER", "شي جين بينغ", "شي جين بينغ", "شينجينغ")]
    pred = [P("PER", "شي جين بينغ", eid="per:xi"), P("PER", "شينجينغ", eid="per:auto:x")]
    d = S.match_document(gold, pred)
    assert len(d.tp) == 1 and len(d.tp[0][1]) == 2 and not d.fp
    sc = S.score({"a": d})
    assert (sc["overall"]["tp"], sc["overall"]["fp"], sc["overall"]["fn"]) == (1, 0, 0)


def test_score_micro_and_per_type():
    d1 = S.match_document([G("PER", "أ ب", "أ ب"), G("LOC", "روسيا", "روسيا")],
                          [P("PER", "أ ب"), P("LOC", "القدس")])
    d2 = S.match_document([G("LOC", "الصين", "الصين"), G("ORG", "الناتو", "الناتو")],
                          [P("LOC", "الصين"), P("ORG", "الناتو"), P("MISC", "دولار")])
    sc = S.score({"x": d1, "y": d2})
    o = sc["overall"]
    assert (o["tp"], o["fp"], o["fn"]) == (3, 2, 1)
    assert o["p"] == pytest.approx(3 / 5) and o["r"] == pytest.approx(3 / 4)
    assert o["f1"] == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    assert (sc["LOC"]["tp"], sc["LOC"]["fp"], sc["LOC"]["fn"]) == (1, 1, 1)
    assert sc["MISC"]["p"] == 0.0 and sc["PER"]["p"] == 1.0


# --------------------------------------------------------------------------- noise
def _m(surface, typ="LOC"):
    return {"surface": surface, "entity_type": typ, "entity_id": f"x:{surface}", "mention_kind": "name"}


def test_noise_leaks_by_key_and_by_word_run():
    noise = [S.NoiseEntity("a.txt", "بانكوك"), S.NoiseEntity("a.txt", "سيمينا ميسترينو"),
             S.NoiseEntity("a.txt", "مهرجان كان")]
    gold = [G("PER", "كان", "كان")]  # a gold name that is also a word of a noise entry
    leaks = S.noise_leaks([_m("بانكوك"), _m("ميسترينو", "PER"), _m("كان"), _m("موسكو")], noise, gold)
    assert [m["surface"] for m, _ in leaks] == ["بانكوك", "ميسترينو"]
    assert S.noise_leaks([_m("موسكو")], noise) == []


# --------------------------------------------------------------------------- the gold files stay honest
def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", normalize(s)).strip()


@pytest.fixture(scope="module")
def gold():
    return S.read_gold()


@pytest.fixture(scope="module")
def noise():
    return S.read_noise()


@pytest.fixture(scope="module")
def texts():
    return {p.name: _norm(p.read_text(encoding="utf-8")) for p in sorted(ARTICLES.glob("*.txt"))}


def _occurs(alias: str, text: str) -> bool:
    """`alias` (normalized) occurs in `text` starting a word, proclitics (و ف ب ل ك, لل) allowed."""
    a = re.escape(_norm(alias))
    return re.search(r"(?<!\w)(?:[وف]?[بلك]?|[وف]?لل)" + a, text) is not None


def test_gold_parses_with_valid_rows(gold, texts):
    assert len(gold) > 50
    assert {g.file for g in gold} == set(texts), "every seed article has gold rows, and only seed articles"
    for g in gold:
        assert g.entity_type in S.TYPES, g
        assert g.types <= set(S.TYPES), g
        assert g.canonical and g.aliases, g
    dupes = [k for k, n in Counter((g.file, g.entity_type, S.key(g.canonical)) for g in gold).items() if n > 1]
    assert not dupes


def test_every_gold_alias_occurs_in_its_article(gold, texts):
    missing = [(g.file, a) for g in gold for a in g.aliases if not _occurs(a, texts[g.file])]
    assert not missing


def test_gold_rows_of_one_article_do_not_share_a_key(gold):
    by_file = {}
    for g in gold:
        by_file.setdefault(g.file, []).append(g)
    clashes = []
    for f, rows in by_file.items():
        for i, a in enumerate(rows):
            for b in rows[i + 1:]:
                if a.types & b.types and a.keys & b.keys:
                    clashes.append((f, a.canonical, b.canonical, sorted(a.keys & b.keys)))
    assert not clashes


def test_noise_entries_occur_in_their_article_and_are_not_gold(gold, noise, texts):
    assert noise
    gold_keys = {}
    for g in gold:
        gold_keys.setdefault(g.file, set()).update(g.keys)
    for n in noise:
        assert n.file in texts, n
        assert _norm(n.surface) in texts[n.file], n
        assert S.key(n.surface) not in gold_keys[n.file], n
        assert n.why, n


# --------------------------------------------------------------------------- end to end (no figures asserted)
def test_evaluate_pipeline_runs_on_the_seeds(gold):
    res = S.evaluate("pipeline")
    assert res["n_articles"] == 5
    o = res["scores"]["overall"]
    assert o["tp"] + o["fn"] == res["n_gold"] == sum(not g.optional for g in gold)
    assert "false negatives" in S.format_report(res)
    with pytest.raises(ValueError):
        S.evaluate("nope")


def test_pipeline_extractor_holds_the_seed_floors():
    """Document-level precision and recall of the pipeline's extractor on the seeds stay at
    or above the floors in seeds/models/ner_floors.json (the issue's 0.95 targets)."""
    import json

    floors = json.loads((Path(__file__).resolve().parents[1] / "seeds" / "models" / "ner_floors.json")
                        .read_text(encoding="utf-8"))
    res = S.evaluate("pipeline")
    overall = res["scores"]["overall"]
    assert overall["p"] >= floors["seeds_doc_precision"], S.format_report(res)
    assert overall["r"] >= floors["seeds_doc_recall"], S.format_report(res)
    assert not any(res["noise_leaks"].values()), S.format_report(res)
