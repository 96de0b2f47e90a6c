"""Combined extraction: variant folding, ids, overlap resolution, document pass, offsets."""
from pathlib import Path

import pytest

from flows import ner_combined as C
from flows import tagger
from flows.clean import clean_article

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "seeds" / "articles").glob("*.txt"))


def fake_tagger(monkeypatch, spans_of):
    """Replace the statistical tagger with fixed spans: spans_of(text) -> [(surface, type)]."""
    def tag_text(text, stage2=True):
        out, pos = [], 0
        for surf, typ in spans_of(text):
            s = text.index(surf, pos)  # noqa: E501
            out.append((s, s + len(surf), typ))
            pos = s + len(surf)
        return out
    monkeypatch.setattr(tagger, "tag_text", tag_text)


def assert_exact(text, ms):
    for m in ms:
        assert text[m.start:m.end] == m.surface
    assert all(a.end <= b.start for a, b in zip(ms, ms[1:])), "sorted and non-overlapping"


# --------------------------------------------------------------------------- folding
@pytest.mark.parametrize("a,b", [
    ("شي جين بينغ", "شي جينبينج"),
    ("شي جين بينغ", "شي جين-بينغ"),
    ("بوتين", "بوتن"),
    ("ترامب", "ترمب"),
    ("غوغل", "جوجل"),
    ("غوغل", "قوقل"),
    ("ماكرون", "ماكرن"),
    ("مصطفى", "مصطفي"),
    ("أسامة", "اسامه"),
    ("بوتـين", "بُوتِين"),
])
def test_fold_merges_spelling_variants(a, b):
    assert C.fold(a) == C.fold(b)


@pytest.mark.parametrize("a,b", [
    ("جو بايدن", "هانتر بايدن"),
    ("جو بايدن", "بايدن"),
    ("كيم جونغ أون", "كيم يو جونغ"),
    ("هواوي", "هاوي"),
    ("محمد", "أحمد"),
])
def test_fold_keeps_different_names_apart(a, b):
    assert C.fold(a) != C.fold(b)


def test_auto_id_is_typed_and_variant_free():
    assert C.auto_id("PER", "شي جين بينغ") == C.auto_id("PER", "شي جينبينج")
    assert C.auto_id("PER", "سامي") != C.auto_id("LOC", "سامي")
    assert C.auto_id("ORG", "غوغل").startswith("org:auto:")


# --------------------------------------------------------------------------- combination
def test_ids_merge_across_articles(monkeypatch):
    fake_tagger(monkeypatch, lambda t: [("كريستوفر نولان" if "نولان" in t else "كريستوفر نولن", "PER")])
    a = C.extract("قال المخرج كريستوفر نولان إن الفيلم جاهز")
    b = C.extract("وأكد المخرج كريستوفر نولن أمس")
    assert [m.entity_id for m in a] == [m.entity_id for m in b]
    assert a[0].entity_id.startswith("per:auto:")


def test_no_gluing_of_different_people(monkeypatch):
    text = "قال الرئيس جو بايدن إن ابنه هانتر بايدن سيحضر"
    fake_tagger(monkeypatch, lambda t: [("جو بايدن", "PER"), ("هانتر بايدن", "PER")])
    ms = [m for m in C.extract(text) if m.mention_kind == "name"]
    assert_exact(text, ms)
    ids = {m.surface: m.entity_id for m in ms}
    assert ids["جو بايدن"] == "per:joe_biden"
    assert ids["هانتر بايدن"] != "per:joe_biden"
    assert ids["هانتر بايدن"].startswith("per:auto:")


def test_nisba_kept_apart(monkeypatch):
    text = "قال المسؤول الصيني إن الصين لن تتراجع"
    fake_tagger(monkeypatch, lambda t: [("الصيني", "MISC")])
    ms = C.extract(text)
    assert_exact(text, ms)
    nisba = [m for m in ms if m.mention_kind == "nisba"]
    names = [m for m in ms if m.mention_kind == "name"]
    assert [m.surface for m in nisba] == ["الصيني"]
    assert [m.surface for m in names] == ["الصين"]
    assert all(m.surface != "الصيني" for m in names)


def test_tagger_defers_to_gazetteer(monkeypatch):
    text = "وصل الوفد إلى موسكو أمس"
    fake_tagger(monkeypatch, lambda t: [("موسكو", "ORG")])  # same extent, other type
    ms = C.extract(text)
    assert [(m.surface, m.entity_id, m.method) for m in ms] == [("موسكو", "loc:city:moscow", "gazetteer")]


def test_org_full_extent_replaces_inner_place(monkeypatch):
    text = "أعلنت جامعة القاهرة نتائج الامتحانات"
    fake_tagger(monkeypatch, lambda t: [("جامعة القاهرة", "ORG")])
    ms = C.extract(text)
    assert_exact(text, ms)
    assert [(m.surface, m.entity_type) for m in ms] == [("جامعة القاهرة", "ORG")]


def test_unknown_name_gets_auto_id_and_offsets(monkeypatch):
    text = "وقال زاهر بلعيد، إن الوضع مستقر"
    fake_tagger(monkeypatch, lambda t: [("زاهر بلعيد", "PER")])
    ms = C.extract(text)
    assert_exact(text, ms)
    assert [(m.surface, m.entity_type, m.method) for m in ms] == [("زاهر بلعيد", "PER", "tagger")]


def test_document_consistency_and_surname(monkeypatch):
    text = "قال زاهر بلعيد إن الوضع مستقر. وأضاف بلعيد أن زاهر بلعيد سيزور ولزاهر بلعيد رأي"
    fake_tagger(monkeypatch, lambda t: [("زاهر بلعيد", "PER")])
    ms = C.extract(text)
    assert_exact(text, ms)
    got = [(m.surface, m.method) for m in ms]
    assert got[0] == ("زاهر بلعيد", "tagger")
    assert ("بلعيد", "surname") in got
    assert got.count(("زاهر بلعيد", "doc_consistency")) == 2  # the clitic ل stays outside the span
    assert len({m.entity_id for m in ms}) == 1


def test_surname_shared_by_two_people_stays_unresolved(monkeypatch):
    text = "التقى زاهر بلعيد وسامي بلعيد. وقال بلعيد إن اللقاء مثمر"
    fake_tagger(monkeypatch, lambda t: [("زاهر بلعيد", "PER"), ("سامي بلعيد", "PER")])
    ms = C.extract(text)
    assert "surname" not in {m.method for m in ms}


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seed_offsets_exact(path):
    text = clean_article(path.read_text(encoding="utf-8")).body_clean
    ms = C.extract(text)
    assert ms
    assert_exact(text, ms)


def test_messy_text_offsets():
    text = "\u200fقال الرئيسُ فلاديميرُ بوتـــين في مُوسْكُو\u00a0إن وزارة الخارجية الروسية ترفض"
    ms = C.extract(text)
    assert_exact(text, ms)
    assert "per:vladimir_putin" in {m.entity_id for m in ms}
