"""DuckDB storage: the contract tables, staging, the one-transaction load, the SQL models.

A run never writes the warehouse while it processes. Each batch goes to a
per-run *staging* database next to the warehouse; at the end one
transaction copies the staged rows into the warehouse and rebuilds the SQL
models. Either all of a run's rows land or none do, and the warehouse is
locked for writing only for that last short step.
"""
from __future__ import annotations

import graphlib
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd
import sqlglot
from sqlglot import exp
from sqlglot.optimizer.scope import traverse_scope

# Columns are listed once here; staging and warehouse share them.
TABLES: dict[str, str] = {
    "articles": """
        article_id VARCHAR PRIMARY KEY,
        source_path VARCHAR NOT NULL,
        input_format VARCHAR,
        encoding VARCHAR,
        title VARCHAR,
        byline VARCHAR,
        dateline VARCHAR,
        source_name VARCHAR,
        url VARCHAR,
        published_at TIMESTAMP,
        category VARCHAR,
        author VARCHAR,
        body_raw VARCHAR NOT NULL,
        body_clean VARCHAR NOT NULL,
        body_norm VARCHAR NOT NULL,
        n_chars INTEGER,
        n_bytes BIGINT,
        arabic_ratio DOUBLE,
        content_hash VARCHAR NOT NULL,
        duplicate_of VARCHAR,
        superseded_by VARCHAR,
        ingested_at TIMESTAMP,
        run_id VARCHAR""",
    "entities": """
        entity_id VARCHAR PRIMARY KEY,
        canonical_name VARCHAR NOT NULL,
        entity_type VARCHAR NOT NULL,
        name_en VARCHAR,
        subtype VARCHAR,
        source VARCHAR,
        first_run_id VARCHAR""",
    "mentions": """
        article_id VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        surface VARCHAR NOT NULL,
        char_start INTEGER NOT NULL,
        char_end INTEGER NOT NULL,
        entity_type VARCHAR,
        method VARCHAR,
        mention_kind VARCHAR,
        run_id VARCHAR""",
    "clean_removed": """
        article_id VARCHAR NOT NULL,
        line_no INTEGER,
        reason VARCHAR,
        text VARCHAR,
        run_id VARCHAR""",
    "article_signatures": """
        article_id VARCHAR PRIMARY KEY,
        minhash BLOB""",
    "supersede": """
        article_id VARCHAR,
        superseded_by VARCHAR,
        run_id VARCHAR""",
    "source_files": """
        source_path VARCHAR PRIMARY KEY,
        size BIGINT,
        mtime DOUBLE,
        content_hash VARCHAR,
        article_id VARCHAR,
        status VARCHAR,
        first_run_id VARCHAR,
        last_run_id VARCHAR""",
    "quarantine": """
        source_path VARCHAR,
        article_id VARCHAR,
        stage VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        detail VARCHAR,
        expectation VARCHAR,
        run_id VARCHAR,
        "at" TIMESTAMP""",
    "dq_results": """
        run_id VARCHAR,
        stage VARCHAR,
        suite VARCHAR,
        batch_no INTEGER,
        validated_at TIMESTAMP,
        expectation VARCHAR,
        column_name VARCHAR,
        kwargs VARCHAR,
        action VARCHAR,
        success BOOLEAN,
        element_count BIGINT,
        unexpected_count BIGINT,
        unexpected_percent DOUBLE,
        observed_value VARCHAR,
        sample_values VARCHAR,
        error VARCHAR""",
    "pipeline_runs": """
        run_id VARCHAR PRIMARY KEY,
        flow_run_id VARCHAR,
        flow_run_name VARCHAR,
        input_dir VARCHAR,
        started_at TIMESTAMP,
        finished_at TIMESTAMP,
        status VARCHAR,
        message VARCHAR,
        files_seen INTEGER,
        files_new INTEGER,
        files_changed INTEGER,
        files_unchanged INTEGER,
        files_duplicate INTEGER,
        files_quarantined INTEGER,
        articles_loaded INTEGER,
        articles_quarantined INTEGER,
        articles_near_duplicate INTEGER,
        mentions_loaded INTEGER,
        entities_new INTEGER,
        removed_lines INTEGER,
        gx_expectations INTEGER,
        gx_failed INTEGER,
        stage_seconds VARCHAR,
        counts VARCHAR""",
}

# Rows a run produces, staged per batch, then copied in one transaction.
STAGED_TABLES = ("articles", "entities", "mentions", "clean_removed", "source_files", "quarantine", "dq_results",
                 "supersede", "article_signatures")

# Keys that make a staged row replace the warehouse row instead of adding one.
# (articles need none: a run stages only articles whose content hash is new.)
UPSERT_KEYS = {"source_files": "source_path", "entities": "entity_id", "article_signatures": "article_id"}

# Which staged row wins when a key repeats: for a file holding several records, one loaded
# record makes the file "loaded"; otherwise the latest row wins.
UPSERT_PRECEDENCE = {"source_files": "(status = 'loaded') DESC, (status = 'duplicate') DESC, "}


# DuckDB caches up to 80% of RAM by default; a run must stay small whatever the corpus size,
# so its connections spill to disk past this.
WRITER_CONFIG = {"memory_limit": "256MB", "preserve_insertion_order": False}


def columns_of(table: str) -> list[str]:
    return [line.split()[0].strip('"') for line in TABLES[table].strip().splitlines()]


def column_list(table: str) -> str:
    return ", ".join(f'"{c}"' for c in columns_of(table))


def _without_constraints(column_line: str) -> str:
    """A column definition without PRIMARY KEY / NOT NULL (staging tables, added columns)."""
    return column_line.replace(" PRIMARY KEY", "").replace(" NOT NULL", "")


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict] | pd.DataFrame,
                verb: str = "INSERT INTO") -> int:
    """Bulk insert through a DataFrame (never executemany), columns in the table's order."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows, columns=columns_of(table))
    if frame.empty:
        return 0
    con.register("_rows", frame.reindex(columns=columns_of(table)))
    try:
        con.execute(f"{verb} {table} SELECT * FROM _rows")
    finally:
        con.unregister("_rows")
    return len(frame)


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables, and add columns that a warehouse from an older version lacks."""
    for name, cols in TABLES.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({cols})")
        present = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "AND table_catalog = current_database()", [name]).fetchall()}
        for line in cols.strip().splitlines():
            column = line.split()[0].strip('"')
            if column not in present:
                definition = _without_constraints(line.strip().rstrip(","))
                con.execute(f"ALTER TABLE {name} ADD COLUMN {definition}")


@contextmanager
def connect(path: str | os.PathLike, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def warehouse_exists(path: str | os.PathLike) -> bool:
    return Path(path).exists() and Path(path).stat().st_size > 0


# --------------------------------------------------------------------------- state for incremental runs

@dataclass(frozen=True)
class KnownState:
    """What the warehouse already holds, read once at the start of a run."""

    files: dict[str, tuple]  # file path -> (size, mtime, file_hash, status, article_id)
    content_hashes: dict[str, str]  # text content_hash -> article_id
    entity_ids: frozenset[str]


def read_signatures(path: str | os.PathLike) -> list[tuple[str, str, list[int]]]:
    """(article_id, story_id, minhash) of every current article, for near-duplicate lookups."""
    if not warehouse_exists(path):
        return []
    with connect(path, read_only=True) as con:
        if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'article_signatures'"
                           ).fetchone()[0]:
            return []
        return con.execute(
            "SELECT s.article_id, coalesce(a.duplicate_of, a.article_id), s.minhash FROM article_signatures s "
            "JOIN articles a USING (article_id) WHERE a.superseded_by IS NULL").fetchall()


def read_known_state(path: str | os.PathLike) -> KnownState:
    if not warehouse_exists(path):
        return KnownState({}, {}, frozenset())
    with connect(path, read_only=True) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        files = {}
        if "source_files" in tables:
            files = {
                p: (size, mtime, h, status, article_id)
                for p, size, mtime, h, status, article_id in con.execute(
                    "SELECT source_path, size, mtime, content_hash, status, article_id FROM source_files"
                ).fetchall()
            }
        hashes = dict(con.execute("SELECT content_hash, article_id FROM articles").fetchall()) if "articles" in tables else {}
        ents = frozenset(r[0] for r in con.execute("SELECT entity_id FROM entities").fetchall()) if "entities" in tables else frozenset()
    return KnownState(files, hashes, ents)


# --------------------------------------------------------------------------- staging

def remove_stale_files(warehouse: str | os.PathLike) -> list[Path]:
    """Staging files and half-written copies of runs that died. Call only while holding the run lock."""
    live = Path(warehouse)
    stale = [*live.parent.glob(".staging-*.duckdb*"), *live.parent.glob(live.name + ".next*")]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


class Staging:
    """A per-run DuckDB file that batches are appended to."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        for stale in (self.path, Path(str(self.path) + ".wal")):
            stale.unlink(missing_ok=True)
        self._con: duckdb.DuckDBPyConnection | None = duckdb.connect(str(self.path), config=WRITER_CONFIG)
        for name in STAGED_TABLES:
            # Staging has no keys: the final copy de-duplicates explicitly.
            cols = "\n".join(_without_constraints(line) for line in TABLES[name].strip().splitlines())
            self.con.execute(f"CREATE TABLE {name} ({cols})")

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:  # reopened after `release`, e.g. to read what a failed run staged
            self._con = duckdb.connect(str(self.path), config=WRITER_CONFIG)
        return self._con

    def release(self) -> None:
        """Close the file so the load can attach it."""
        if self._con is not None:
            self._con.execute("CHECKPOINT")
            self._con.close()
            self._con = None

    def append(self, table: str, rows: list[dict] | pd.DataFrame) -> int:
        return insert_rows(self.con, table, rows)

    def quarantine_duplicates_of(self, article_ids: set[str], stage: str, run_id: str) -> int:
        """Files staged as exact copies of articles that have just been quarantined follow them."""
        if not article_ids:
            return 0
        ids = list(article_ids)
        n = self.con.execute("SELECT count(*) FROM source_files WHERE status = 'duplicate' AND list_contains(?, article_id)",
                             [ids]).fetchone()[0]
        if n:
            self.con.execute(
                "INSERT INTO quarantine (source_path, article_id, stage, reason, detail, run_id, \"at\") "
                "SELECT source_path, NULL, ?, 'copy of a quarantined article', "
                "'same text as article ' || article_id || ', which failed the ' || ? || ' gate', ?, now() "
                "FROM source_files WHERE status = 'duplicate' AND list_contains(?, article_id)",
                [stage, stage, run_id, ids])
            self.con.execute("UPDATE source_files SET status = 'quarantined', article_id = NULL "
                             "WHERE status = 'duplicate' AND list_contains(?, article_id)", [ids])
        return n

    def count(self, table: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def frame(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    def close(self, remove: bool = True) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        if remove:
            for leftover in (self.path, Path(str(self.path) + ".wal")):
                leftover.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def crash_point(name: str) -> None:
    """Fault injection for the crash-safety tests: AKHBAR_PAUSE_AT=<name> parks the run here.

    The run writes `<AKHBAR_PAUSE_MARKER>` and sleeps, so a test can SIGKILL it
    at exactly this point. Does nothing unless the variable names this point.
    """
    if os.environ.get("AKHBAR_PAUSE_AT") != name:
        return
    import time

    marker = os.environ.get("AKHBAR_PAUSE_MARKER")
    if marker:
        Path(marker).write_text(name)
    time.sleep(float(os.environ.get("AKHBAR_PAUSE_SECONDS", "60")))


@contextmanager
def next_version(warehouse: str | os.PathLike) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a copy of the warehouse that replaces it atomically when the block succeeds.

    Nobody ever opens the live file for writing, so readers (read-only
    connections, the duckdb CLI) are never locked out, and a run killed at
    any point leaves the live file exactly as the last good run left it: the
    half-written copy is simply discarded by the next run.
    """
    live = Path(warehouse)
    live.parent.mkdir(parents=True, exist_ok=True)
    nxt = live.with_name(live.name + ".next")
    for leftover in (nxt, Path(str(nxt) + ".wal")):
        leftover.unlink(missing_ok=True)
    if live.exists():
        if Path(str(live) + ".wal").exists():  # written by some other tool: fold its log in first
            duckdb.connect(str(live)).close()
        shutil.copyfile(live, nxt)
    con = duckdb.connect(str(nxt), config=WRITER_CONFIG)
    try:
        create_tables(con)
        yield con
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        nxt.unlink(missing_ok=True)
        Path(str(nxt) + ".wal").unlink(missing_ok=True)
        raise
    con.close()
    _fsync(nxt)
    crash_point("swap")
    os.replace(nxt, live)
    _fsync(live.parent)


def commit_run(warehouse: str | os.PathLike, staging_path: str | os.PathLike, run_row: dict,
               sql_dir: str | os.PathLike, models_gate=None) -> dict[str, int]:
    """Copy a run's staged rows into the warehouse and rebuild the models, all or nothing.

    `models_gate(con)` runs after the models are built; if it raises, nothing
    of the run lands. Returns the row counts copied.
    """
    copied: dict[str, int] = {}
    with next_version(warehouse) as con:
        con.execute(f"ATTACH '{Path(staging_path)}' AS staging (READ_ONLY)")
        con.execute("BEGIN TRANSACTION")
        try:
            for table in STAGED_TABLES:
                cols = column_list(table)
                key = UPSERT_KEYS.get(table)
                if key:
                    # Last staged row per key wins; staging may repeat a key across batches.
                    con.execute(
                        f"INSERT OR REPLACE INTO {table} ({cols}) SELECT {cols} FROM staging.{table} "
                        f"QUALIFY row_number() OVER (PARTITION BY {key} "
                        f"ORDER BY {UPSERT_PRECEDENCE.get(table, '')}rowid DESC) = 1"
                    )
                else:
                    con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM staging.{table}")
                copied[table] = con.execute(f"SELECT count(*) FROM staging.{table}").fetchone()[0]
            # A changed file's older version stays queryable but is no longer current.
            con.execute("UPDATE articles SET superseded_by = s.superseded_by FROM staging.supersede AS s "
                        "WHERE articles.article_id = s.article_id")
            write_run_row(con, run_row)
            crash_point("load")
            run_models(con, sql_dir)
            crash_point("models")
            if models_gate is not None:
                models_gate(con)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.execute("DETACH staging")
    return copied


def write_run_row(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    insert_rows(con, "pipeline_runs", [row], verb="INSERT OR REPLACE INTO")


def record_run_only(warehouse: str | os.PathLike, run_row: dict, dq_rows: list[dict] | None = None) -> None:
    """A run that loads no article data (it failed, or found nothing new) leaves only its own record."""
    with next_version(warehouse) as con:
        con.execute("BEGIN TRANSACTION")
        write_run_row(con, run_row)
        insert_rows(con, "dq_results", dq_rows or [])
        con.execute("COMMIT")


# --------------------------------------------------------------------------- SQL models

class ModelError(RuntimeError):
    """A model in sql/ failed; the message names its file and DuckDB's error."""


def referenced_tables(sql: str) -> set[str]:
    """Tables a SELECT reads, CTE names excluded."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    names: set[str] = set()
    for scope in traverse_scope(tree):
        for source in scope.sources.values():
            if isinstance(source, exp.Table) and source.name:
                names.add(source.name)
    return names


def load_models(sql_dir: str | os.PathLike) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(Path(sql_dir).glob("*.sql"))}


def plan_models(models: dict[str, str]) -> list[str]:
    """Model names in dependency order (a model reading another runs after it)."""
    graph = {}
    for name, sql in models.items():
        try:
            graph[name] = (referenced_tables(sql) & models.keys()) - {name}
        except sqlglot.errors.ParseError as err:
            raise ModelError(f"sql/{name}.sql does not parse: {err}") from err
    try:
        return list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as err:
        raise ModelError(f"SQL models depend on each other in a cycle: {err.args[1]}") from err


def run_models(con: duckdb.DuckDBPyConnection, sql_dir: str | os.PathLike) -> list[str]:
    """Rebuild every model as a table, in dependency order, in the caller's transaction."""
    models = load_models(sql_dir)
    order = plan_models(models)
    for name in order:
        body = models[name].strip().rstrip(";")
        try:
            con.execute(f'CREATE OR REPLACE TABLE "{name}" AS {body}')
        except duckdb.Error as err:
            raise ModelError(f"SQL model sql/{name}.sql failed: {type(err).__name__}: {err}") from err
    return order


# --------------------------------------------------------------------------- one writer at a time

class WarehouseBusy(RuntimeError):
    """Another run holds the warehouse."""


@contextmanager
def run_lock(warehouse: str | os.PathLike, holder: str, timeout_s: float = 600.0,
             poll_s: float = 0.2) -> Iterator[None]:
    """Exclusive lock for one run over `warehouse`, waited for up to `timeout_s`.

    An OS file lock (flock) on `<warehouse>.lock`: the kernel drops it when the
    holding process dies, even by SIGKILL, so a crashed run never leaves the
    warehouse locked. The file's text says who holds it, for the message.
    """
    import fcntl
    import time

    lock_path = Path(str(warehouse) + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path, "a+")
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    who = handle.read().strip() or "another process"
                    raise WarehouseBusy(f"warehouse {warehouse} is held by {who}; waited {timeout_s:.0f}s") from None
                time.sleep(poll_s)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{holder} (pid {os.getpid()})")
        handle.flush()
        yield
    finally:
        try:
            handle.seek(0)
            handle.truncate()
        except OSError:
            pass
        handle.close()  # closing releases the flock
