"""A live progress line for `akhbar run` on a terminal: files and records done, rate, time left.

Only when attached to a terminal (or asked for); elsewhere (a scheduled run,
a pipe, the tests) every method does nothing. While the line is shown, log
lines meant for the terminal are printed above it through rich, so the two
never garble each other; Prefect's API handler still sends every line to
the UI. The time left is estimated from bytes read, the one total known
before the files are opened.
"""
from __future__ import annotations

import logging
import time


class RunProgress:
    def __init__(self, enabled: bool, console=None):
        self.enabled = enabled
        self._console = console  # rich Console; stderr by default
        self._progress = None
        self._task = None
        self._started = 0.0
        self._stage = ""

    def start(self, total_files: int, total_bytes: int) -> None:
        if not self.enabled or self._progress is not None or not total_files:
            return
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(
            TextColumn("[bold]{task.fields[stage]:<9}"), BarColumn(bar_width=16),
            TextColumn("{task.fields[files]}"), TextColumn("{task.fields[records]}"),
            TextColumn("ETA"), TimeRemainingColumn(compact=True),
            console=self._console or Console(stderr=True), transient=True, refresh_per_second=4)
        self._task = self._progress.add_task("akhbar", total=max(total_bytes, 1), stage="reading",
                                             files=f"0/{total_files} files", records="0 records")
        self._total_files = total_files
        self._started = time.perf_counter()
        self._progress.start()

    @property
    def active(self) -> bool:
        return self._progress is not None

    def stage(self, name: str) -> None:
        if self._progress is not None:
            self._stage = name
            self._progress.update(self._task, stage=name)

    def advance(self, stream, counts) -> None:
        if self._progress is None:
            return
        seconds = max(time.perf_counter() - self._started, 1e-6)
        records = counts.get("records_seen", 0)
        refused = counts.get("records_quarantined", 0) + counts.get("files_quarantined", 0)
        self._progress.update(
            self._task, completed=stream.bytes_done,
            files=f"{stream.files_done}/{self._total_files} files",
            records=(f"{records:,} records {records / seconds:,.0f}/s, {counts.get('articles_loaded', 0):,} loaded, "
                     f"{refused:,} refused"))

    def print_through(self, record: logging.LogRecord, handler: logging.Handler) -> bool:
        """Print a log record above the live line; False tells the handler not to print it itself."""
        if self._progress is None:
            return True
        try:
            self._progress.console.print(handler.format(record), markup=False, highlight=False, soft_wrap=True)
        except Exception:
            return True
        return False

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
