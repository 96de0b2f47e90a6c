"""Running akhbar like a service: schedules, incremental loads, one writer, crash safety."""
import os
import shutil
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from tests.conftest import REPO_ROOT, SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def _rows(wh, sql):
    with duckdb.connect(str(wh), read_only=True) as con:
        return con.execute(sql).fetchall()


def _snapshot(wh):
    """Every table's row count plus the article ids: what 'the warehouse as it was' means here."""
    with duckdb.connect(str(wh), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        ids = con.execute("SELECT article_id FROM articles ORDER BY 1").fetchall()
    return counts, ids


@pytest.fixture
def api_env(prefect_harness):
    """Environment for a child `akhbar run` that reports to the test's Prefect server."""
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PREFECT_LOGGING_LEVEL": "WARNING"}
    env.pop("AKHBAR_PAUSE_AT", None)
    return env


def _start_run(folder, wh, env, **extra):
    return subprocess.Popen([sys.executable, "-m", "flows.cli", "run", "--input", str(folder), "--warehouse", str(wh)],
                            cwd=REPO_ROOT, env={**env, **extra}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    for p in SEED_FILES[:3]:
        shutil.copy(p, root / p.name)
    return root


def test_serve_deployment_carries_its_schedule_and_parameters(prefect_harness, tmp_path):
    from prefect.client.orchestration import get_client

    from flows.pipeline import build_deployment

    deployment = build_deployment(cron="*/15 * * * *", input_dir=str(tmp_path), warehouse_path=str(tmp_path / "w.duckdb"))
    deployment_id = deployment.apply()
    with get_client(sync_client=True) as client:
        stored = client.read_deployment(deployment_id)
    assert stored.name == "scheduled"
    assert [s.schedule.cron for s in stored.schedules] == ["*/15 * * * *"]
    assert stored.parameters == {"input_dir": str(tmp_path.resolve()), "warehouse_path": str((tmp_path / "w.duckdb").resolve())}
    with pytest.raises(ValueError, match="exactly one"):
        build_deployment(cron="* * * * *", interval=60)


def test_incremental_runs_load_only_what_is_new_or_changed(prefect_harness, folder, tmp_path):
    from flows.pipeline import akhbar_pipeline

    wh = tmp_path / "wh.duckdb"
    assert akhbar_pipeline(input_dir=str(folder), warehouse_path=str(wh))["articles_loaded"] == 3
    again = akhbar_pipeline(input_dir=str(folder), warehouse_path=str(wh))
    assert (again["articles_loaded"], again["files_unchanged"]) == (0, 3)

    shutil.copy(SEED_FILES[3], folder / SEED_FILES[3].name)  # one new file
    added = akhbar_pipeline(input_dir=str(folder), warehouse_path=str(wh))
    assert (added["files_new"], added["articles_loaded"], added["files_unchanged"]) == (1, 1, 3)

    touched = folder / SEED_FILES[0].name  # same bytes, new mtime: confirmed unchanged by its hash
    os.utime(touched, (time.time() + 5, time.time() + 5))
    assert akhbar_pipeline(input_dir=str(folder), warehouse_path=str(wh))["articles_loaded"] == 0

    edited = folder / SEED_FILES[1].name  # a changed file becomes a new version of its article
    edited.write_text(edited.read_text(encoding="utf-8") + "\nوأضاف المتحدث أن المحادثات ستستأنف الأسبوع المقبل.\n",
                      encoding="utf-8")
    changed = akhbar_pipeline(input_dir=str(folder), warehouse_path=str(wh))
    assert (changed["files_changed"], changed["articles_loaded"]) == (1, 1)
    versions = _rows(wh, f"SELECT superseded_by IS NULL FROM articles WHERE source_path = '{edited}' ORDER BY ingested_at")
    assert versions == [(False,), (True,)]
    assert _rows(wh, "SELECT max(total_articles) FROM entity_summary") == [(4,)]
    runs = _rows(wh, "SELECT files_new, files_changed, files_unchanged, articles_loaded FROM pipeline_runs ORDER BY started_at")
    # the touched file is unchanged, not changed too
    assert runs == [(3, 0, 0, 3), (0, 0, 3, 0), (1, 0, 3, 1), (0, 0, 4, 0), (0, 1, 3, 1)]


def test_two_runs_at_once_leave_a_consistent_warehouse(api_env, folder, tmp_path):
    wh = tmp_path / "wh.duckdb"
    runs = [_start_run(folder, wh, api_env) for _ in range(2)]
    outputs = [r.communicate(timeout=240)[0] for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outputs
    # One run loaded the three articles; the other waited for the lock and then found nothing new.
    loaded = sorted(n for (n,) in _rows(wh, "SELECT articles_loaded FROM pipeline_runs"))
    assert loaded == [0, 3]
    assert _rows(wh, "SELECT count(*), count(DISTINCT article_id) FROM articles") == [(3, 3)]


@pytest.mark.parametrize("point", ["load", "models", "swap"])
def test_a_run_killed_mid_write_leaves_the_warehouse_as_it_was(api_env, folder, tmp_path, point):
    from flows.pipeline import akhbar_pipeline

    wh = tmp_path / "wh.duckdb"
    akhbar_pipeline(input_dir=str(folder), warehouse_path=str(wh))
    before = _snapshot(wh)
    shutil.copy(SEED_FILES[4], folder / SEED_FILES[4].name)
    marker = tmp_path / "paused"
    run = _start_run(folder, wh, api_env, AKHBAR_PAUSE_AT=point, AKHBAR_PAUSE_MARKER=str(marker))
    deadline = time.monotonic() + 180
    while not marker.exists():
        assert run.poll() is None, run.communicate()[0]
        assert time.monotonic() < deadline, "the run never reached the crash point"
        time.sleep(0.2)
    run.send_signal(signal.SIGKILL)
    run.wait(30)
    assert _snapshot(wh) == before
    after = akhbar_pipeline(input_dir=str(folder), warehouse_path=str(wh))  # the next run completes normally
    assert after["articles_loaded"] == 1
    assert _rows(wh, "SELECT count(*) FROM articles") == [(4,)]


def test_readers_keep_working_while_a_run_writes(api_env, folder, tmp_path):
    from flows.pipeline import akhbar_pipeline

    wh = tmp_path / "wh.duckdb"
    akhbar_pipeline(input_dir=str(folder), warehouse_path=str(wh))
    shutil.copy(SEED_FILES[4], folder / SEED_FILES[4].name)
    marker = tmp_path / "paused"
    run = _start_run(folder, wh, api_env, AKHBAR_PAUSE_AT="models", AKHBAR_PAUSE_MARKER=str(marker),
                     AKHBAR_PAUSE_SECONDS="3")
    while not marker.exists():
        assert run.poll() is None, run.communicate()[0]
        time.sleep(0.2)
    assert _rows(wh, "SELECT count(*) FROM articles") == [(3,)]  # a reader in the middle of the write
    assert run.wait(120) == 0
    assert _rows(wh, "SELECT count(*) FROM articles") == [(4,)]


def test_run_artifacts_report_the_counts(prefect_harness, folder, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.pipeline import akhbar_pipeline

    state = akhbar_pipeline(input_dir=str(folder), warehouse_path=str(tmp_path / "w.duckdb"), return_state=True)
    flow_run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        arts = client.read_artifacts(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
        name = client.read_flow_run(flow_run_id).name
    by_key = {a.key: a for a in arts}
    assert {"akhbar-run-summary", "akhbar-top-entities", "akhbar-new-entities"} <= set(by_key)
    summary = by_key["akhbar-run-summary"].data
    assert "| files_new | 3 |" in summary and "| articles_loaded | 3 |" in summary and "Stage timings" in summary
    assert "+3 articles" in name


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc (Linux)")
def test_a_killed_run_takes_its_temporary_prefect_server_with_it(folder, tmp_path):
    """Without PREFECT_API_URL a run starts a temporary server; SIGKILL on the run must not orphan it."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "AKHBAR_PAUSE_AT")}
    env.update(PREFECT_HOME=str(tmp_path / "home"), PREFECT_LOGGING_LEVEL="WARNING")
    marker = tmp_path / "paused"
    run = _start_run(folder, tmp_path / "wh.duckdb", env, AKHBAR_PAUSE_AT="load", AKHBAR_PAUSE_MARKER=str(marker))
    deadline = time.monotonic() + 180
    while not marker.exists():
        assert run.poll() is None, run.communicate()[0]
        assert time.monotonic() < deadline, "the run never reached the load"
        time.sleep(0.2)
    servers = _children(run.pid)
    assert servers, "the run started no temporary server"
    run.send_signal(signal.SIGKILL)
    run.wait(30)
    deadline = time.monotonic() + 30
    while any(_alive(p) for p in servers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in servers), "the temporary Prefect server outlived the killed run"


def test_a_disk_that_fills_up_leaves_the_warehouse_as_it_was_and_the_failure_recorded(api_env, folder, tmp_path):
    """A real limit from the kernel (RLIMIT_FSIZE: writes past it fail with EFBIG, as on a full disk)."""
    import json
    import resource

    from flows import warehouse
    from flows.pipeline import akhbar_pipeline

    wh = tmp_path / "wh.duckdb"
    akhbar_pipeline(input_dir=str(folder), warehouse_path=str(wh))
    before = _snapshot(wh)
    shutil.copy(SEED_FILES[4], folder / SEED_FILES[4].name)
    limit = wh.stat().st_size // 2  # no file of the run may grow past half the warehouse: the copy cannot be made

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    run = subprocess.run([sys.executable, "-m", "flows.cli", "run", "--input", str(folder), "--warehouse", str(wh)],
                         cwd=REPO_ROOT, env=api_env, preexec_fn=small_disk, capture_output=True, text=True,
                         timeout=240)
    assert run.returncode == 1 and "File too large" in run.stderr
    assert _snapshot(wh) == before
    assert not [p.name for p in tmp_path.iterdir() if ".next" in p.name or ".staging-" in p.name]
    pending = [json.loads(line) for line in warehouse.pending_runs_path(wh).read_text().splitlines()]
    assert [p["status"] for p in pending] == ["failed"] and "File too large" in pending[0]["message"]
    assert akhbar_pipeline(input_dir=str(folder), warehouse_path=str(wh))["articles_loaded"] == 1
    assert [s for (s,) in _rows(wh, "SELECT status FROM pipeline_runs ORDER BY started_at")] == [
        "success", "failed", "success"]
