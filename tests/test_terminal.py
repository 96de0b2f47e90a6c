"""What `akhbar run` shows on a terminal: a progress line, and refusals grouped by reason."""
import io
import json
import logging
import shutil
import time
from collections import Counter

from flows.progress import RunProgress
from tests.conftest import SEEDS


class _Stream:
    bytes_done, files_done = 500, 1


def test_the_progress_line_shows_files_records_rate_and_prints_logs_above_itself():
    from rich.console import Console

    out = io.StringIO()
    progress = RunProgress(enabled=True, console=Console(file=out, force_terminal=True, width=160))
    progress.start(total_files=2, total_bytes=1000)
    progress.stage("entities")
    progress.advance(_Stream(), Counter(records_seen=40, articles_loaded=35, records_quarantined=5))
    progress._progress.refresh()
    record = logging.LogRecord("prefect.flow_runs", logging.WARNING, __file__, 1, "a warning %s", ("here",), None)
    handler = logging.StreamHandler(io.StringIO())
    assert progress.print_through(record, handler) is False  # printed above the line, not by the handler
    progress.close()
    text = out.getvalue()
    assert "1/2 files" in text and "40 records" in text and "/s" in text and "35 loaded" in text
    assert "5 refused" in text and "ETA" in text
    assert "entities" in text and "a warning here" in text and handler.stream.getvalue() == ""


def test_no_progress_line_off_a_terminal():
    progress = RunProgress(enabled=False)
    progress.start(total_files=2, total_bytes=1000)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "line", None, None)
    assert progress.print_through(record, logging.StreamHandler(io.StringIO())) is True
    progress.close()


def test_refusals_are_one_grouped_line_on_the_terminal_and_every_one_in_the_ui(prefect_harness, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import PrefectConsoleHandler

    from flows.pipeline import akhbar_pipeline

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sorted(SEEDS.glob("*.txt"))[0], folder / "good.txt")
    (folder / "feed.jsonl").write_text("\n".join(json.dumps({"title": f"فيديو {i}", "content": ""})
                                                 for i in range(12)) + "\n", encoding="utf-8")
    prefect_logger = logging.getLogger("prefect")
    level = prefect_logger.level
    prefect_logger.setLevel(logging.INFO)
    # what Prefect's console handler prints: the terminal
    consoles = [h for h in logging.getLogger().handlers if isinstance(h, PrefectConsoleHandler)]
    terminal = io.StringIO()
    streams = [h.console.file for h in consoles]
    for h in consoles:  # it prints through its rich console
        h.console.file = terminal
    try:
        state = akhbar_pipeline(input_dir=str(folder), warehouse_path=str(tmp_path / "w.duckdb"), return_state=True)
    finally:
        prefect_logger.setLevel(level)
        for h, stream in zip(consoles, streams):
            h.console.file = stream
    assert consoles, "Prefect's console handler is not installed"
    err = terminal.getvalue()
    assert "quarantined this run, by reason: no article body (ingest) ×12" in err
    assert f"quarantined {folder}/feed.jsonl#" not in err  # no line per item on the terminal
    flow_run_id = state.state_details.flow_run_id
    deadline = time.monotonic() + 20
    per_item: list = []
    while time.monotonic() < deadline:
        with get_client(sync_client=True) as client:
            logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
        per_item = [entry for entry in logs if entry.message.startswith(f"quarantined {folder}/feed.jsonl#")]
        if len(per_item) == 12:
            break
        time.sleep(0.5)
    assert len(per_item) == 12  # the UI's log holds every one
