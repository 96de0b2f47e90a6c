"""One bad item never stops a run: every poison pill users met, in one folder, in one run.

Each pill is either loaded (when it is a real article with odd characters) or quarantined with
a reason; the good article beside them always loads, the run ends committed, and the next run
does not trip over any of them again.
"""
import json
import os
import shutil

import duckdb
import pytest

from tests.conftest import SEEDS

SEED = sorted(SEEDS.glob("*.txt"))[0]
P1 = "شهدت العلاقة بين موسكو وبكين تقاربًا خلال الأشهر الأخيرة بعد العقوبات التي وقعها الغرب على روسيا."
P2 = "وقال الرئيس الروسي فلاديمير بوتين إن بلاده ترفض العقوبات الأحادية وتدعو إلى الحوار بين جميع الأطراف."
ARTICLE = P1 + "\n" + P2


def _places_article() -> str:
    """An article naming two thousand different places: its entity pairs grow with the square."""
    from flows.ner import known_entities

    names = [e.canonical_name for e in known_entities() if e.entity_type == "LOC"][:2000]
    return ARTICLE + "\n" + "\n".join(f"وزار الوفد مدينة {name} أمس." for name in names)


# name -> (bytes, what must become of it: "loaded" or the quarantine reason)
def _pills() -> dict[str, tuple[bytes, str]]:
    return {
        "quran_brackets.txt": ((ARTICLE + "\nوقال: ﴿إن الله مع الصابرين﴾ ﴾ ﴿").encode(), "loaded"),
        "deep.json": (b"[" * 200_000 + b"]" * 200_000, "JSON nested too deeply"),
        "deep_line.jsonl": ((json.dumps({"body": ARTICLE + " أول"}, ensure_ascii=False) + "\n"
                             + "[" * 100_000 + "]" * 100_000 + "\n").encode(), "loaded"),
        "surrogate.jsonl": (json.dumps({"title": "@1 عنوان", "body": ARTICLE + " @2 ثانٍ"}, ensure_ascii=False)
                            .replace("@1", "\\udfff").replace("@2", "\\ud800").encode(), "loaded"),
        "nul_and_controls.jsonl": (json.dumps({"body": ARTICLE + "\u0000 ثالث \u001b[31m \u0007"},
                                              ensure_ascii=False).encode(), "loaded"),
        "bidi_and_zero_width.txt": (("\u202e" + ARTICLE + "\u200f\u2066 رابع \u2069\u200b\ufeff").encode(), "loaded"),
        "read_line.txt": ((SEED.read_text(encoding="utf-8") + "\nRead " + "more about the talks between the two. "
                           "presidents and what they mean for the region and the world economy " * 4).encode(),
                          "loaded"),
        "many_places.txt": (_places_article().encode(), "loaded"),
        # a line the cleaner does not take for noise but the clean gate does: the article is quarantined
        "gate_catches.txt": ((ARTICLE + " سابع\n" + "a3f9c2e81b7d" * 25).encode(), "failed expectation"),
        "huge_record.jsonl": (json.dumps({"body": ARTICLE * 8000}, ensure_ascii=False).encode(), "article too large"),
        "bug_trigger.txt": ((ARTICLE + "\nكلمةتثيرخطأ في النص").encode(), "internal error"),
    }


NON_UTF8_NAME = b"caf\xe9-\xff.txt"


@pytest.fixture(scope="module")
def pill_run(prefect_harness, tmp_path_factory):
    from flows import ner
    from flows.pipeline import akhbar_pipeline

    root = tmp_path_factory.mktemp("pills")
    shutil.copy(SEED, root / "good.txt")
    for name, (data, _) in _pills().items():
        (root / name).write_bytes(data)
    with open(os.path.join(os.fsencode(root), NON_UTF8_NAME), "wb") as handle:
        handle.write((ARTICLE + " سادس").encode())
    real = ner.extract_precise

    def extract_with_a_bug(text):  # a bug that only this input meets
        if "كلمةتثيرخطأ" in text:
            raise RecursionError("maximum recursion depth exceeded")
        return real(text)

    wh = tmp_path_factory.mktemp("wh") / "w.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ner, "extract_precise", extract_with_a_bug)
        state = akhbar_pipeline(input_dir=str(root), warehouse_path=str(wh), max_bytes=1_000_000, return_state=True)
    return root, wh, state


def _rows(wh, sql, params=None):
    with duckdb.connect(str(wh), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_the_run_is_committed_and_the_good_article_loads(pill_run):
    _, wh, state = pill_run
    assert state.is_completed(), state.message
    assert _rows(wh, "SELECT status FROM pipeline_runs") == [("success",)]
    assert _rows(wh, "SELECT count(*) FROM articles WHERE source_path LIKE '%/good.txt'") == [(1,)]


@pytest.mark.parametrize("name", sorted(_pills()))
def test_each_pill_is_loaded_or_quarantined_with_its_reason(pill_run, name):
    root, wh, _ = pill_run
    expected = _pills()[name][1]
    path = str(root / name)
    loaded = _rows(wh, "SELECT count(*) FROM articles WHERE source_path = ? OR source_path LIKE ?",
                   [path, path + "#%"])[0][0]
    reasons = {r for (r,) in _rows(wh, "SELECT reason FROM quarantine WHERE file_path = ?", [path])}
    if expected == "loaded":
        assert loaded >= 1 and not (reasons - {"invalid JSON line"}), reasons
    else:
        assert expected in reasons, reasons
        detail = _rows(wh, "SELECT stage, detail FROM quarantine WHERE file_path = ? AND reason = ?", [path, expected])
        assert all(d for _, d in detail)


def test_a_file_name_that_is_not_utf8_loads_under_a_readable_name(pill_run):
    _, wh, _ = pill_run
    (path,) = [p for (p,) in _rows(wh, "SELECT source_path FROM articles") if "caf" in p]
    assert path.endswith("caf\\xe9-\\xff.txt")


def test_odd_characters_are_kept_or_mended_and_spans_stay_exact(pill_run):
    _, wh, _ = pill_run
    repaired = _rows(wh, "SELECT title, body_raw, repairs FROM articles WHERE source_path LIKE '%surrogate.jsonl%'")[0]
    assert repaired[0].startswith("\ufffd") and "\ufffd" in repaired[1] and "2 lone surrogate" in repaired[2]
    bad = _rows(wh, """SELECT count(*) FROM mentions m JOIN articles a USING (article_id)
                       WHERE substr(CASE m.field WHEN 'title' THEN a.title ELSE a.body_clean END, m.char_start + 1, m.char_end - m.char_start) <> m.surface""")
    assert bad == [(0,)]
    read_line = _rows(wh, "SELECT body_clean FROM articles WHERE source_path LIKE '%read_line.txt'")[0][0]
    assert "Read more" not in read_line
    quran = _rows(wh, "SELECT body_norm FROM articles WHERE source_path LIKE '%quran_brackets.txt'")[0][0]
    assert "﴿" in quran and "ان الله مع الصابرين" in quran


def test_the_bug_is_quarantined_with_the_exception_and_where_it_was_raised(pill_run):
    _, wh, _ = pill_run
    stage, detail = _rows(wh, "SELECT stage, detail FROM quarantine WHERE reason = 'internal error'")[0]
    assert stage == "entities" and "RecursionError" in detail and "test_poison_pills.py" not in detail


def test_an_article_naming_thousands_of_places_keeps_the_models_bounded(pill_run):
    _, wh, _ = pill_run
    (n_entities,) = _rows(wh, """SELECT count(DISTINCT entity_id) FROM article_entities ae JOIN articles a
                                 USING (article_id) WHERE a.source_path LIKE '%many_places.txt'""")[0]
    assert n_entities > 1000
    (pairs,) = _rows(wh, "SELECT count(*) FROM entity_cooccurrence")[0]
    assert pairs < 100 * 99 / 2 + 2000  # its 100 most named entities, plus the other articles' pairs


def test_the_next_run_does_not_trip_over_them_again(pill_run, prefect_harness):
    from flows.pipeline import akhbar_pipeline

    root, wh, _ = pill_run
    again = akhbar_pipeline(input_dir=str(root), warehouse_path=str(wh), max_bytes=1_000_000)
    assert again["articles_loaded"] == 0 and again["records_quarantined"] == 0
