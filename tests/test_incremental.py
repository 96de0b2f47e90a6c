"""Incremental state across runs: re-judging refusals, reverts, deletes, renames, and runs that go wrong."""
import errno
import json
import os
import shutil

import duckdb
import pytest

from flows import reading, warehouse
from tests.conftest import SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt"))
EXTRA = "\nوأضاف المتحدث أن المحادثات ستستأنف الأسبوع المقبل في العاصمة."


def _rows(wh, sql, params=None):
    with duckdb.connect(str(wh), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _run(folder, wh, **kw):
    from flows.pipeline import akhbar_pipeline

    return akhbar_pipeline(input_dir=str(folder), warehouse_path=str(wh), **kw)


def _state(folder, wh, **kw):
    from flows.pipeline import akhbar_pipeline

    return akhbar_pipeline(input_dir=str(folder), warehouse_path=str(wh), return_state=True, **kw)


def _current(wh):
    return _rows(wh, "SELECT count(*) FROM articles WHERE superseded_by IS NULL AND deleted_at IS NULL")[0][0]


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    for p in SEED_FILES[:2]:
        shutil.copy(p, root / p.name)
    return root


def test_revert_then_edit_leaves_exactly_one_current_version(prefect_harness, folder, tmp_path):
    wh = tmp_path / "wh.duckdb"
    path = folder / SEED_FILES[0].name
    v1 = path.read_text(encoding="utf-8")
    _run(folder, wh)
    for text in (v1 + EXTRA, v1, v1 + EXTRA + EXTRA):  # v2, back to v1, then v3
        path.write_text(text, encoding="utf-8")
        os.utime(path, (os.stat(path).st_atime, os.stat(path).st_mtime + 10))
        _run(folder, wh)
        held = _rows(wh, "SELECT article_id FROM source_items WHERE source_path = ?", [str(path)])
        current = _rows(wh, "SELECT article_id FROM articles WHERE source_path = ? AND superseded_by IS NULL "
                            "AND deleted_at IS NULL", [str(path)])
        assert current == held and len(current) == 1
    assert _rows(wh, "SELECT count(*) FROM articles WHERE source_path = ?", [str(path)]) == [(3,)]  # v1, v2, v3
    assert _current(wh) == 2 and _rows(wh, "SELECT max(total_articles) FROM entity_summary") == [(2,)]


def test_a_deleted_file_stops_counting_and_says_so(prefect_harness, folder, tmp_path):
    wh = tmp_path / "wh.duckdb"
    (folder / "bad.txt").write_bytes(b"")
    _run(folder, wh)
    os.remove(folder / SEED_FILES[0].name)
    os.remove(folder / "bad.txt")
    summary = _run(folder, wh)
    assert summary["files_deleted"] == 2
    status = dict(_rows(wh, "SELECT regexp_extract(source_path, '[^/]+$'), status FROM source_files"))
    assert status[SEED_FILES[0].name] == "deleted" and status["bad.txt"] == "deleted"
    assert _rows(wh, "SELECT count(*) FROM articles WHERE deleted_at IS NOT NULL") == [(1,)]
    assert _rows(wh, "SELECT max(total_articles) FROM entity_summary") == [(1,)]
    # the refusal of a file that is gone no longer stands
    assert _rows(wh, "SELECT resolved_run_id IS NOT NULL FROM quarantine WHERE source_path LIKE '%bad.txt'") == [(True,)]
    shutil.copy(SEED_FILES[0], folder / SEED_FILES[0].name)  # back again: current again, not loaded twice
    back = _run(folder, wh)
    assert back["files_new"] == 1 and back["articles_loaded"] == 0 and _current(wh) == 2


def test_a_renamed_file_moves_its_article(prefect_harness, folder, tmp_path):
    wh = tmp_path / "wh.duckdb"
    _run(folder, wh)
    old, new = folder / SEED_FILES[0].name, folder / "renamed.txt"
    os.rename(old, new)
    summary = _run(folder, wh)
    assert (summary["files_new"], summary["files_deleted"], summary["articles_loaded"]) == (1, 1, 0)
    assert _rows(wh, "SELECT count(*) FROM articles WHERE source_path = ?", [str(new)]) == [(1,)]
    status = dict(_rows(wh, "SELECT regexp_extract(source_path, '[^/]+$'), status FROM source_files"))
    assert status["renamed.txt"] == "loaded" and status[SEED_FILES[0].name] == "deleted"
    assert _current(wh) == 2


def test_an_emptied_input_is_not_taken_for_mass_deletion(prefect_harness, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    body = SEED_FILES[0].read_text(encoding="utf-8")
    for i in range(12):
        (folder / f"{i}.txt").write_text(body + f"\nالفقرة {i} من الخبر عن القمة بين البلدين.", encoding="utf-8")
    wh = tmp_path / "wh.duckdb"
    _run(folder, wh)
    for p in folder.iterdir():
        p.unlink()  # an unmounted share looks like this
    state = _state(folder, wh)
    assert state.is_failed() and "--accept-deletions" in state.message
    assert _current(wh) == 12 and _rows(wh, "SELECT status FROM pipeline_runs ORDER BY started_at DESC LIMIT 1") == [
        ("alert",)]
    assert _run(folder, wh, accept_deletions=True)["files_deleted"] == 12 and _current(wh) == 0


def test_a_file_that_could_not_be_read_is_tried_again_next_run(prefect_harness, folder, tmp_path, monkeypatch):
    wh = tmp_path / "wh.duckdb"
    flaky = folder / SEED_FILES[1].name
    real = reading._open_under

    def busy(root, relative):
        if relative.endswith(flaky.name):
            raise OSError(errno.EIO, "Input/output error")
        return real(root, relative)

    monkeypatch.setattr(reading, "_sleep", lambda s: None)
    monkeypatch.setattr(reading, "_open_under", busy)
    first = _run(folder, wh)
    assert first["articles_loaded"] == 1
    assert _rows(wh, "SELECT reason, transient FROM source_files WHERE source_path = ?", [str(flaky)]) == [
        ("unreadable file", True)]
    monkeypatch.setattr(reading, "_open_under", real)  # the disk is fine again; the file itself never changed
    second = _run(folder, wh)
    assert second["articles_loaded"] == 1
    assert _rows(wh, "SELECT status FROM source_files WHERE source_path = ?", [str(flaky)]) == [("loaded",)]
    assert _rows(wh, "SELECT resolved_run_id IS NOT NULL FROM quarantine WHERE source_path = ?", [str(flaky)]) == [
        (True,)]


def test_refusals_are_judged_again_when_the_settings_they_depended_on_change(prefect_harness, folder, tmp_path):
    wh = tmp_path / "wh.duckdb"
    feed = folder / "feed.json"
    feed.write_text(json.dumps([{"headline": "خبر", "story_text": SEED_FILES[1].read_text(encoding="utf-8")}],
                               ensure_ascii=False), encoding="utf-8")
    first = _run(folder, wh, max_bytes=8000)  # the second seed is 8,163 bytes; the feed's body has no known name
    reasons = dict(_rows(wh, "SELECT regexp_extract(source_path, '[^/]+$'), reason FROM quarantine"))
    assert reasons[SEED_FILES[1].name] == "file too large" and reasons["feed.json"] == "no article body"
    assert first["articles_loaded"] == 1
    same = _run(folder, wh, max_bytes=8000)
    assert same["articles_loaded"] == 0 and same["records_quarantined"] == 0  # nothing changed: not judged again
    raised = _run(folder, wh, fields={"body": "story_text"})  # default --max-bytes again, and the field named
    assert raised["articles_loaded"] == 1 and raised["records_duplicate"] == 1  # the feed holds a copy of the seed
    assert _rows(wh, "SELECT count(*) FROM quarantine WHERE resolved_run_id IS NULL") == [(0,)]


def test_retry_quarantined_reads_refused_files_again_without_repeating_the_verdict(prefect_harness, folder, tmp_path):
    wh = tmp_path / "wh.duckdb"
    (folder / "english.txt").write_text("Putin and Xi met in Beijing on Friday, officials said. " * 5, encoding="utf-8")
    _run(folder, wh)
    assert _run(folder, wh)["records_seen"] == 0
    again = _run(folder, wh, retry_quarantined=True)
    assert again["records_seen"] == 1 and again["records_quarantined"] == 1
    assert _rows(wh, "SELECT count(*) FROM quarantine WHERE source_path LIKE '%english.txt'") == [(1,)]


def test_two_warehouses_in_one_folder_leave_each_other_alone(prefect_harness, folder, tmp_path):
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    b_staging = warehouse.staging_path(b, "20990101T000000-abcdef")  # a run of b, in progress
    b_staging.write_bytes(b"staging")
    (tmp_path / "b.duckdb.next").write_bytes(b"half a copy")
    _run(folder, a)
    assert b_staging.exists() and (tmp_path / "b.duckdb.next").exists()
    assert not list(tmp_path.glob(".a.duckdb.staging-*")) and not (tmp_path / "a.duckdb.next").exists()


def test_a_failure_while_failing_does_not_hide_the_real_error(prefect_harness, folder, tmp_path, monkeypatch):
    wh = tmp_path / "wh.duckdb"
    real = warehouse.commit_run

    def staging_removed_by_someone(warehouse_path, staging_path, *args, **kw):
        os.remove(staging_path)
        return real(warehouse_path, staging_path, *args, **kw)

    monkeypatch.setattr(warehouse, "commit_run", staging_removed_by_someone)
    state = _state(folder, wh)
    assert state.is_failed() and "staging" in state.message and "does not exist" in state.message
    status, message = _rows(wh, "SELECT status, message FROM pipeline_runs")[0]
    # the real error is recorded, not the one met while reading the failed run's GX results back
    assert status == "failed" and "does not exist" in message and "is gone" not in message


def test_a_warehouse_path_with_an_apostrophe(prefect_harness, folder, tmp_path):
    wh = tmp_path / "l'entrepôt d'akhbar" / "news's.duckdb"
    assert _run(folder, wh)["articles_loaded"] == 2
    assert _rows(wh, "SELECT count(*) FROM articles") == [(2,)]


def test_a_full_disk_leaves_no_partial_copy_and_the_failed_run_is_recorded(prefect_harness, folder, tmp_path,
                                                                           monkeypatch):
    wh = tmp_path / "wh.duckdb"
    _run(folder, wh)
    shutil.copy(SEED_FILES[2], folder / SEED_FILES[2].name)

    def disk_full(src, dst):
        with open(dst, "wb") as out:
            out.write(b"\0" * 4096)  # part of the copy made it to disk
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(warehouse.shutil, "copyfile", disk_full)
    state = _state(folder, wh)
    assert state.is_failed() and "No space left" in state.message
    assert not (tmp_path / "wh.duckdb.next").exists()
    pending = warehouse.pending_runs_path(wh).read_text(encoding="utf-8").splitlines()
    assert json.loads(pending[0])["status"] == "failed"
    monkeypatch.undo()  # space again: the next run loads, and records the failed one too
    assert _run(folder, wh)["articles_loaded"] == 1
    assert [s for (s,) in _rows(wh, "SELECT status FROM pipeline_runs ORDER BY started_at")] == [
        "success", "failed", "success"]
    assert not warehouse.pending_runs_path(wh).exists()


def test_a_failure_after_the_commit_is_a_warning_not_a_failed_run(prefect_harness, folder, tmp_path, monkeypatch):
    from flows.quality import QualityGates

    def unwritable(self):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "data_docs"))

    monkeypatch.setattr(QualityGates, "build_docs", unwritable)
    wh = tmp_path / "wh.duckdb"
    state = _state(folder, wh)
    assert state.is_completed()
    summary = state.result()
    assert summary["status"] == "warning" and "Data Docs" in summary["warnings"][0]
    assert _rows(wh, "SELECT count(*) FROM articles") == [(2,)]


def test_a_run_that_refuses_most_of_its_input_needs_attention(prefect_harness, tmp_path):
    from prefect.client.orchestration import get_client

    folder = tmp_path / "in"
    folder.mkdir()
    records = [{"title": f"فيديو {i}", "url": f"https://x.example/{i}", "full_text2": ""} for i in range(15)]
    (folder / "feed.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    shutil.copy(SEED_FILES[0], folder / "good.txt")
    wh = tmp_path / "wh.duckdb"
    state = _state(folder, wh)
    assert state.is_failed() and "94% of 16 items quarantined" in state.message and "no article body" in state.message
    summary = state.result(raise_on_failure=False)
    assert summary["articles_loaded"] == 1 and summary["status"] == "alert"  # committed all the same
    assert _rows(wh, "SELECT status FROM pipeline_runs") == [("alert",)]
    with get_client(sync_client=True) as client:
        name = client.read_flow_run(state.state_details.flow_run_id).name
    assert name.startswith("⚠") and "quarantined" in name
    assert _run(folder, wh)["records_quarantined"] == 0  # the verdicts stand; the next run is quiet


def test_a_failed_run_says_why_in_its_name(prefect_harness, folder, tmp_path, monkeypatch):
    from prefect.client.orchestration import get_client

    from flows import stages

    monkeypatch.setattr(stages.normalize, "normalize", lambda text: text)  # a normalizer that forgot its job
    state = _state(folder, tmp_path / "wh.duckdb")
    assert state.is_failed() and "known-good article fails it too" in state.message
    with get_client(sync_client=True) as client:
        name = client.read_flow_run(state.state_details.flow_run_id).name
    assert name.startswith("✗") and "GateFailed" in name


def test_a_warehouse_open_for_writing_elsewhere_fails_the_run_at_once_and_is_left_alone(prefect_harness, folder,
                                                                                        tmp_path):
    import subprocess
    import sys
    import time

    wh = tmp_path / "wh.duckdb"
    _run(folder, wh)
    before = wh.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
                               "print('open', flush=True); time.sleep(120)", str(wh)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        shutil.copy(SEED_FILES[2], folder / SEED_FILES[2].name)
        started = time.monotonic()
        state = _state(folder, wh)
        assert state.is_failed() and "open for writing in another program" in state.message
        assert "duckdb -readonly" in state.message and time.monotonic() - started < 60
        assert wh.read_bytes() == before  # never swapped under the other program
        assert json.loads(warehouse.pending_runs_path(wh).read_text().splitlines()[0])["status"] == "failed"
    finally:
        holder.kill()
        holder.wait()
    assert _run(folder, wh)["articles_loaded"] == 1  # closed: the next run loads and records the failed one
    assert [s for (s,) in _rows(wh, "SELECT status FROM pipeline_runs ORDER BY started_at")] == [
        "success", "failed", "success"]


def test_one_file_as_the_input_loads_it_and_deletes_nothing_else(prefect_harness, folder, tmp_path):
    wh = tmp_path / "wh.duckdb"
    _run(folder, wh)
    extra = tmp_path / "one.txt"
    shutil.copy(SEED_FILES[3], extra)
    summary = _run(extra, wh)
    assert (summary["files_seen"], summary["articles_loaded"], summary["files_deleted"]) == (1, 1, 0)
    assert _current(wh) == 3
    extra.unlink()
    assert _run(folder, wh)["files_deleted"] == 0  # a run over the folder does not judge files outside it
    assert _current(wh) == 3
