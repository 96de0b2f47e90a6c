"""The whole flow on the seeds (plus a few bad files) into a temporary warehouse."""
import shutil

import duckdb
import pytest

from tests.conftest import SEEDS

NOISE_ONLY_PAGE = (
    "صور من موقع الحدث اليوم\n\n"
    "GettyImages 1298765432 1024x654\n"
    "a3f9c2e81b7d4e6f9a0b1c2d3e4f5a6b\n"
    "شاهد أيضا: وزير الخارجية يصل إلى العاصمة في زيارة رسمية\n"
    "انقر هنا لقراءة الخبر من مصدره.\n"
)


def _counts(wh):
    with duckdb.connect(str(wh), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("articles", "mentions", "entities", "quarantine", "clean_removed", "source_files",
                          "entity_summary", "entity_cooccurrence")}


def _query(wh, sql, params=None):
    with duckdb.connect(str(wh), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("input")
    for p in SEEDS.glob("*.txt"):
        shutil.copy(p, root / p.name)
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (root / "english.txt").write_text("Putin and Xi met in Beijing on Friday, officials said. " * 5, encoding="utf-8")
    (root / "noise_only.txt").write_text(NOISE_ONLY_PAGE, encoding="utf-8")
    (root / "noise_only_copy.txt").write_text(NOISE_ONLY_PAGE, encoding="utf-8")  # same text, another name
    return root


@pytest.fixture(scope="module")
def first_run(prefect_harness, folder, tmp_path_factory):
    from flows.pipeline import akhbar_pipeline

    wh = tmp_path_factory.mktemp("wh") / "akhbar.duckdb"
    summary = akhbar_pipeline(input_dir=str(folder), warehouse_path=str(wh))
    return wh, summary


def test_seeds_load_and_bad_files_are_quarantined(first_run):
    wh, summary = first_run
    assert summary["articles_loaded"] == 5
    reasons = dict(_query(wh, "SELECT regexp_extract(source_path, '[^/]+$'), reason FROM quarantine"))
    assert reasons["empty.txt"] == "empty file"
    assert reasons["binary.txt"] == "binary file"
    assert reasons["english.txt"] == "not Arabic"
    assert reasons["noise_only.txt"] == "failed expectation"  # the clean gate caught a page with no body
    stage, expectation = _query(wh, "SELECT stage, expectation FROM quarantine WHERE source_path LIKE '%noise_only.txt'")[0]
    assert stage == "clean" and "body_clean" in expectation
    # its exact copy is not left as a 'duplicate' of an article that never loaded
    assert reasons["noise_only_copy.txt"] == "copy of a quarantined article"
    assert _query(wh, "SELECT count(*) FROM source_files WHERE status = 'duplicate'") == [(0,)]


def test_every_mention_span_is_exact(first_run):
    wh, _ = first_run
    bad = _query(wh, """SELECT count(*) FROM mentions m JOIN articles a USING (article_id)
                        WHERE substr(CASE m.field WHEN 'title' THEN a.title ELSE a.body_clean END, m.char_start + 1, m.char_end - m.char_start) <> m.surface""")
    total = _query(wh, "SELECT count(*) FROM mentions")[0][0]
    assert total > 50 and bad == [(0,)]
    # the title is read too: offsets into the title for its mentions, and the models count them
    in_titles = _query(wh, "SELECT count(*) FROM mentions WHERE field = 'title' AND mention_kind = 'name'")[0][0]
    assert 0 < in_titles < total
    assert _query(wh, "SELECT sum(title_mention_count) FROM article_entities")[0][0] == in_titles


def test_articles_have_titles_and_clean_bodies(first_run):
    wh, _ = first_run
    rows = _query(wh, "SELECT title, body_clean, body_norm FROM articles")
    assert all(t for t, _, _ in rows)
    for _, body, norm in rows:
        assert "READ " not in body and "GettyImages" not in body and "انقر هنا" not in body
        assert "\u0651" not in norm and "\u0640" not in norm


def test_models_and_gate_results_are_recorded(first_run):
    wh, _ = first_run
    stages = {s for (s,) in _query(wh, "SELECT DISTINCT stage FROM dq_results")}
    assert {"ingest", "clean", "normalize", "entities", "models"} <= stages
    pairs = _query(wh, "SELECT count(*) FROM entity_cooccurrence WHERE entity_a >= entity_b")
    assert pairs == [(0,)]
    assert _query(wh, "SELECT count(*) FROM entity_summary")[0][0] > 5
    run = _query(wh, "SELECT status, articles_loaded, files_quarantined, records_seen, records_quarantined "
                     "FROM pipeline_runs")
    # empty, binary, english, noise_only (its only record failed the clean gate) and its copy
    assert run == [("success", 5, 5, 10, 5)]
    assert (wh.parent / "data_docs" / "index.html").exists()


def test_second_run_changes_nothing(first_run, folder):
    from flows.pipeline import akhbar_pipeline

    wh, _ = first_run
    before = _counts(wh)
    summary = akhbar_pipeline(input_dir=str(folder), warehouse_path=str(wh))
    assert summary["articles_loaded"] == 0 and summary["files_unchanged"] == 10
    assert _counts(wh) == before


def test_a_broken_invariant_fails_the_run_and_loads_nothing(prefect_harness, monkeypatch, tmp_path):
    from flows import stages
    from flows.pipeline import akhbar_pipeline

    wh = tmp_path / "wh.duckdb"
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / "000_4737ba5db079ef9a.txt", folder / "a.txt")
    monkeypatch.setattr(stages.normalize, "normalize", lambda text: text)  # a normalizer that forgot its job
    state = akhbar_pipeline(input_dir=str(folder), warehouse_path=str(wh), return_state=True)
    assert state.is_failed()
    assert "suite 'normalize'" in state.message and "expect_column_values_to_not_match_regex(body_norm)" in state.message
    assert _query(wh, "SELECT count(*) FROM articles") == [(0,)]
    status, message = _query(wh, "SELECT status, message FROM pipeline_runs")[0]
    assert status == "failed" and "normalize" in message
    assert _query(wh, "SELECT count(*) FROM dq_results WHERE stage = 'normalize' AND NOT success")[0][0] >= 1


def test_run_artifacts_exist(first_run):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        arts = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["akhbar-run-summary"])))
    assert any("articles_loaded | 5" in (a.data or "") for a in arts)


def test_every_query_in_the_readme_runs(first_run, capsys):
    """The README's SQL is run as written, so it cannot go stale."""
    import shlex

    from flows import cli
    from tests.conftest import REPO_ROOT

    wh, _ = first_run
    commands = [shlex.split(line.strip())[2:] for line in (REPO_ROOT / "README.md").read_text(encoding="utf-8").splitlines()
                if line.strip().startswith(".venv/bin/akhbar sql ")]
    assert len(commands) >= 6
    for argv in commands:
        assert cli.main(["sql", "--warehouse", str(wh), *argv]) == 0, (argv, capsys.readouterr().err)
        assert "row" in capsys.readouterr().out


CORE = {"per:xi_jinping": "شي جين بينغ", "per:vladimir_putin": "فلاديمير بوتين", "loc:country:ru": "روسيا",
        "loc:country:cn": "الصين", "loc:city:beijing": "بكين", "loc:city:moscow": "موسكو"}


def test_core_entities_are_one_entity_each_in_all_five_seeds(first_run):
    from flows.ner import fold

    wh, _ = first_run
    rows = _query(wh, "SELECT entity_id, canonical_name, article_count FROM entity_summary")
    by_id = {eid: (name, n) for eid, name, n in rows}
    for eid in CORE:
        assert by_id[eid][1] == 5, (eid, by_id.get(eid))
    # no second entity (an auto id, another spelling) for any of them
    core_folds = {fold(name) for name in CORE.values()} | {fold(by_id[e][0]) for e in CORE}
    twins = [(eid, name) for eid, (name, _) in by_id.items() if eid not in CORE and fold(name) in core_folds]
    assert twins == []


def test_unlisted_names_are_entities_with_a_canonical_name(first_run):
    wh, _ = first_run
    autos = _query(wh, "SELECT entity_id, canonical_name, entity_type FROM entities WHERE entity_id LIKE '%:auto:%'")
    assert autos, "the precise extractor adds names the gazetteer does not know"
    assert all(name and typ in ("PER", "LOC", "ORG", "MISC") and eid.startswith(typ.lower() + ":auto:")
               for eid, name, typ in autos)
    names = {name for _, name, _ in autos}
    assert {"سمير رمزي", "جوزيف دوريجيان", "معهد هاربين للتكنولوجيا"} <= names
    # a bare surname never names the entity (the canonical name is the full one)
    assert "رمزي" not in names
    # every mention points to an entity row, and auto entities show up in the models
    assert _query(wh, "SELECT count(*) FROM mentions m LEFT JOIN entities e USING (entity_id) "
                      "WHERE e.entity_id IS NULL") == [(0,)]
    assert _query(wh, "SELECT count(*) FROM entity_summary WHERE entity_id LIKE '%:auto:%'")[0][0] == len(autos)
