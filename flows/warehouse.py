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

from flows.incremental import KnownFile

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
        run_id VARCHAR,
        crawled_at TIMESTAMP,
        repairs VARCHAR,
        deleted_at TIMESTAMP""",
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
        run_id VARCHAR,
        field VARCHAR DEFAULT 'body'""",
    "clean_removed": """
        article_id VARCHAR NOT NULL,
        line_no INTEGER,
        reason VARCHAR,
        text VARCHAR,
        run_id VARCHAR""",
    "article_signatures": """
        article_id VARCHAR PRIMARY KEY,
        minhash BLOB""",
    "source_files": """
        source_path VARCHAR PRIMARY KEY,
        size BIGINT,
        mtime DOUBLE,
        content_hash VARCHAR,
        article_id VARCHAR,
        status VARCHAR,
        first_run_id VARCHAR,
        last_run_id VARCHAR,
        reason VARCHAR,
        fingerprint VARCHAR,
        records INTEGER,
        records_quarantined INTEGER,
        transient BOOLEAN,
        deleted_at TIMESTAMP""",
    "source_items": """
        source_path VARCHAR PRIMARY KEY,
        file_path VARCHAR NOT NULL,
        article_id VARCHAR NOT NULL,
        run_id VARCHAR""",
    "quarantine": """
        source_path VARCHAR,
        article_id VARCHAR,
        stage VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        detail VARCHAR,
        expectation VARCHAR,
        run_id VARCHAR,
        "at" TIMESTAMP,
        file_path VARCHAR,
        resolved_run_id VARCHAR""",
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
        counts VARCHAR,
        records_seen INTEGER,
        records_duplicate INTEGER,
        records_quarantined INTEGER,
        files_deleted INTEGER,
        articles_current INTEGER,
        quarantine_share DOUBLE,
        alerts VARCHAR""",
}

# Tables only a run's staging file has.
STAGING_ONLY: dict[str, str] = {
    "touched_files": """
        file_path VARCHAR,
        action VARCHAR""",
}

# Rows a run produces, staged per batch, then copied in one transaction.
STAGED_TABLES = ("articles", "entities", "mentions", "clean_removed", "source_files", "source_items", "quarantine",
                 "dq_results", "article_signatures")

# Keys that make a staged row replace the warehouse row instead of adding one.
# (articles need none: a run stages only articles whose content hash is new.)
UPSERT_KEYS = {"entities": "entity_id", "article_signatures": "article_id"}


# DuckDB caches up to 80% of RAM by default; a run must stay small whatever the corpus size,
# so its connections spill to disk past this.
WRITER_CONFIG = {"memory_limit": "256MB", "preserve_insertion_order": False}


def columns_of(table: str) -> list[str]:
    return [line.split()[0].strip('"') for line in {**TABLES, **STAGING_ONLY}[table].strip().splitlines()]


def sql_string(value: str | os.PathLike) -> str:
    """A SQL string literal (for the few statements that take no parameters, such as ATTACH)."""
    return "'" + str(value).replace("'", "''") + "'"


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
    existing = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()").fetchall()}
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
    if "source_items" not in existing and "articles" in existing:
        _backfill_source_items(con)


def _backfill_source_items(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse from before `source_items`: each current article is held by the item it came from,
    and each single-article file recorded as a copy holds the article it copies."""
    con.execute(r"""
        INSERT OR IGNORE INTO source_items
        SELECT source_path, regexp_replace(source_path, '#[0-9]+$', ''), article_id, run_id
        FROM articles WHERE superseded_by IS NULL""")
    con.execute("""
        INSERT OR IGNORE INTO source_items
        SELECT source_path, source_path, article_id, last_run_id FROM source_files
        WHERE status = 'duplicate' AND article_id IS NOT NULL""")


@contextmanager
def connect(path: str | os.PathLike, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as err:
        raise _in_use(path, err) if "lock" in str(err).lower() else err
    try:
        yield con
    finally:
        con.close()


def _in_use(path: str | os.PathLike, err: Exception) -> "WarehouseInUse":
    return WarehouseInUse(
        f"{path} is open for writing in another program ({err}). akhbar never writes the live warehouse, "
        f"but it must read it and swap in the new version, which would silently drop that program's writes: "
        f"close it, or open the warehouse read-only (duckdb -readonly {path}, or read_only=True in Python)")


def warehouse_exists(path: str | os.PathLike) -> bool:
    return Path(path).exists() and Path(path).stat().st_size > 0


# --------------------------------------------------------------------------- state for incremental runs

@dataclass(frozen=True)
class KnownState:
    """What the warehouse already holds, read once at the start of a run."""

    files: dict[str, KnownFile]  # file path -> what the warehouse knows of it
    content_hashes: dict[str, str]  # text content_hash -> article_id
    entity_ids: frozenset[str]


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def read_signatures(path: str | os.PathLike) -> list[tuple[str, str, list[int]]]:
    """(article_id, story_id, minhash) of every current article, for near-duplicate lookups."""
    if not warehouse_exists(path):
        return []
    with connect(path, read_only=True) as con:
        if "article_signatures" not in _tables(con):
            return []
        deleted = "AND a.deleted_at IS NULL" if _has_column(con, "articles", "deleted_at") else ""
        return con.execute(
            "SELECT s.article_id, coalesce(a.duplicate_of, a.article_id), s.minhash FROM article_signatures s "
            f"JOIN articles a USING (article_id) WHERE a.superseded_by IS NULL {deleted}").fetchall()


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = ? "
                            "AND column_name = ?", [table, column]).fetchone()[0])


def read_known_state(path: str | os.PathLike) -> KnownState:
    if not warehouse_exists(path):
        return KnownState({}, {}, frozenset())
    with connect(path, read_only=True) as con:
        tables = _tables(con)
        files = {}
        if "source_files" in tables:
            extra = {c: (c if _has_column(con, "source_files", c) else "NULL")
                     for c in ("fingerprint", "reason", "records_quarantined", "transient")}
            files = {
                p: KnownFile(size, mtime, h, status, article_id, fp, reason, int(rq or 0), bool(tr))
                for p, size, mtime, h, status, article_id, fp, reason, rq, tr in con.execute(
                    "SELECT source_path, size, mtime, content_hash, status, article_id, "
                    f"{extra['fingerprint']}, {extra['reason']}, {extra['records_quarantined']}, "
                    f"{extra['transient']} FROM source_files").fetchall()
            }
        hashes = dict(con.execute("SELECT content_hash, article_id FROM articles").fetchall()) if "articles" in tables else {}
        ents = frozenset(r[0] for r in con.execute("SELECT entity_id FROM entities").fetchall()) if "entities" in tables else frozenset()
    return KnownState(files, hashes, ents)


# --------------------------------------------------------------------------- staging

def staging_path(warehouse: str | os.PathLike, run_id: str) -> Path:
    """The run's staging file, named after its warehouse: two warehouses may share a folder."""
    live = Path(warehouse)
    return live.with_name(f".{live.name}.staging-{run_id}.duckdb")


def remove_stale_files(warehouse: str | os.PathLike) -> list[Path]:
    """This warehouse's staging files and half-written copies left by runs that died.

    Call only while holding the run lock. Only files of this warehouse: another
    warehouse in the same folder has its own lock and its own files.
    """
    live = Path(warehouse)
    stale = [*live.parent.glob(f".{glob_escape(live.name)}.staging-*.duckdb*"),
             *live.parent.glob(glob_escape(live.name) + ".next*")]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in name)


class Staging:
    """A per-run DuckDB file that batches are appended to."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        for stale in (self.path, Path(str(self.path) + ".wal")):
            stale.unlink(missing_ok=True)
        self._con: duckdb.DuckDBPyConnection | None = duckdb.connect(str(self.path), config=WRITER_CONFIG)
        for name, definition in [*((t, TABLES[t]) for t in STAGED_TABLES), *STAGING_ONLY.items()]:
            # Staging has no keys: the final copy de-duplicates explicitly.
            cols = "\n".join(_without_constraints(line) for line in definition.strip().splitlines())
            self.con.execute(f"CREATE TABLE {name} ({cols})")

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:  # reopened after `release`, e.g. to read what a failed run staged
            if not self.path.exists():
                raise FileNotFoundError(f"the run's staging file {self.path} is gone (removed by another process?)")
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

    def quarantine_copies_of(self, article_ids: set[str], stage: str, run_id: str) -> int:
        """Items staged as exact copies of articles that have just been quarantined follow them."""
        if not article_ids:
            return 0
        ids = list(article_ids)
        n = self.con.execute("SELECT count(*) FROM source_items WHERE list_contains(?, article_id)",
                             [ids]).fetchone()[0]
        if n:
            self.con.execute(
                "INSERT INTO quarantine (source_path, file_path, article_id, stage, reason, detail, run_id, \"at\") "
                "SELECT source_path, file_path, NULL, ?, 'copy of a quarantined article', "
                "'same text as article ' || article_id || ', which failed the ' || ? || ' gate', ?, now() "
                "FROM source_items WHERE list_contains(?, article_id)",
                [stage, stage, run_id, ids])
            self.con.execute("DELETE FROM source_items WHERE list_contains(?, article_id)", [ids])
        return n

    def count(self, table: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def frame(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    def close(self, remove: bool = True) -> None:
        if self._con is not None:
            try:
                self._con.close()
            except duckdb.Error:
                pass
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


class WarehouseInUse(RuntimeError):
    """Another program holds the live warehouse open for writing."""


def _fold_foreign_wal(live: Path) -> None:
    """A `.wal` beside the warehouse was left by some other tool: fold its log in before copying."""
    try:
        duckdb.connect(str(live)).close()
    except duckdb.IOException as err:
        if "lock" in str(err).lower():
            raise _in_use(live, err) from err
        raise


def _check_no_other_writer(live: Path) -> None:
    """Readers may hold the live file (they keep the version they opened); a writer may not: the swap
    would drop whatever it writes after our copy."""
    with connect(live, read_only=True):
        pass


@contextmanager
def next_version(warehouse: str | os.PathLike) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a copy of the warehouse that replaces it atomically when the block succeeds.

    Nobody ever opens the live file for writing, so readers (read-only
    connections, the duckdb CLI) are never locked out, and a run killed at
    any point leaves the live file exactly as the last good run left it: the
    half-written copy is simply discarded by the next run. A copy that fails
    (a full disk) is removed at once, never left to fill the disk further.
    """
    live = Path(warehouse)
    live.parent.mkdir(parents=True, exist_ok=True)
    nxt = live.with_name(live.name + ".next")

    def discard() -> None:
        for leftover in (nxt, Path(str(nxt) + ".wal")):
            leftover.unlink(missing_ok=True)

    discard()
    con = None
    try:
        if live.exists():
            if Path(str(live) + ".wal").exists():
                _fold_foreign_wal(live)
            _check_no_other_writer(live)
            shutil.copyfile(live, nxt)
        con = duckdb.connect(str(nxt), config=WRITER_CONFIG)
        create_tables(con)
        yield con
        con.execute("CHECKPOINT")
        con.close()
        con = None
        _fsync(nxt)
    except BaseException:
        if con is not None:
            try:
                con.close()
            except duckdb.Error:
                pass
        discard()
        raise
    crash_point("swap")
    os.replace(nxt, live)
    _fsync(live.parent)


# The load, in one transaction, in this order. `{run}` is the run id (a parameter, never text).
#
# Currency: an article is current while at least one item of a file present in the input holds it
# (`source_items`). When a file is re-read or deleted, its items are replaced; an article no item
# holds any more is superseded by what now sits at its place (the same file, the same record) or,
# when nothing does, deleted (`deleted_at`). An article an item holds again (a file reverted to an
# older version) is current again. Nothing is ever removed from `articles`.
LOAD_STATEMENTS = (
    # quarantine: a verdict repeated word for word on the same item (a re-judged file failing the same
    # way) is not recorded twice
    """INSERT INTO quarantine ({quarantine_cols})
       SELECT {quarantine_cols} FROM staging.quarantine AS s
       WHERE NOT EXISTS (SELECT 1 FROM quarantine AS q WHERE q.resolved_run_id IS NULL
                         AND q.source_path IS NOT DISTINCT FROM s.source_path AND q.stage = s.stage
                         AND q.reason = s.reason AND q.detail IS NOT DISTINCT FROM s.detail)""",
    "CREATE TEMP TABLE released AS SELECT i.source_path, i.article_id FROM source_items AS i "
    "WHERE i.file_path IN (SELECT file_path FROM staging.touched_files)",
    "DELETE FROM source_items WHERE file_path IN (SELECT file_path FROM staging.touched_files)",
    "INSERT OR REPLACE INTO source_items SELECT {items_cols} FROM staging.source_items "
    "WHERE article_id IN (SELECT article_id FROM articles)",
    # held again: current again
    """UPDATE articles SET superseded_by = NULL, deleted_at = NULL
       WHERE (superseded_by IS NOT NULL OR deleted_at IS NOT NULL)
         AND article_id IN (SELECT article_id FROM staging.source_items)""",
    # held no more: superseded by what sits at its place now, or deleted
    """UPDATE articles SET superseded_by = r.successor,
                           deleted_at = CASE WHEN r.successor IS NULL THEN now()::TIMESTAMP END
       FROM (SELECT r.article_id, min(n.article_id) AS successor
             FROM released AS r LEFT JOIN source_items AS n ON n.source_path = r.source_path
             WHERE r.article_id NOT IN (SELECT article_id FROM source_items)
             GROUP BY r.article_id) AS r
       WHERE articles.article_id = r.article_id AND articles.superseded_by IS NULL
         AND articles.deleted_at IS NULL""",
    # a file renamed or moved: its articles now come from where they are
    """UPDATE articles SET source_path = h.path
       FROM (SELECT article_id, min(source_path) AS path FROM source_items
             WHERE article_id IN (SELECT article_id FROM released UNION SELECT article_id FROM staging.source_items)
             GROUP BY article_id) AS h
       WHERE articles.article_id = h.article_id
         AND NOT EXISTS (SELECT 1 FROM source_items AS i
                         WHERE i.article_id = articles.article_id AND i.source_path = articles.source_path)""",
    # files: the staged row wins (first_run_id kept), then the status follows from the items
    """INSERT INTO source_files ({files_cols})
       SELECT {files_cols} FROM staging.source_files
       QUALIFY row_number() OVER (PARTITION BY source_path ORDER BY rowid DESC) = 1
       ON CONFLICT (source_path) DO UPDATE SET {files_update}""",
    """UPDATE source_files SET records_quarantined = q.n
       FROM (SELECT file_path, count(*) AS n FROM staging.quarantine GROUP BY file_path) AS q
       WHERE source_files.source_path = q.file_path
         AND source_files.source_path IN (SELECT file_path FROM staging.touched_files)""",
    """UPDATE source_files SET
         status = CASE
           WHEN EXISTS (SELECT 1 FROM source_items AS i JOIN articles AS a
                          ON a.article_id = i.article_id AND a.source_path = i.source_path
                        WHERE i.file_path = source_files.source_path) THEN 'loaded'
           WHEN EXISTS (SELECT 1 FROM source_items AS i WHERE i.file_path = source_files.source_path) THEN 'duplicate'
           WHEN status = 'deleted' THEN 'deleted'
           ELSE 'quarantined' END,
         article_id = (SELECT min(i.article_id) FROM source_items AS i WHERE i.source_path = source_files.source_path)
       WHERE source_path IN (SELECT file_path FROM staging.touched_files
                             UNION SELECT i.file_path FROM source_items AS i
                             WHERE i.article_id IN (SELECT article_id FROM released))""",
    # a refusal that no longer holds (the item loads now, or its file is gone) is resolved
    """UPDATE quarantine SET resolved_run_id = $run
       WHERE resolved_run_id IS NULL AND run_id <> $run
         AND (source_path IN (SELECT source_path FROM staging.source_items)
              OR source_path IN (SELECT file_path FROM staging.source_items)
              OR file_path IN (SELECT file_path FROM staging.touched_files WHERE action = 'deleted'))""",
    "DROP TABLE released",
)


def _load_sql() -> list[str]:
    files_cols = columns_of("source_files")
    fmt = {
        "quarantine_cols": column_list("quarantine"),
        "items_cols": column_list("source_items"),
        "files_cols": column_list("source_files"),
        "files_update": ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in files_cols
                                  if c not in ("source_path", "first_run_id")),
    }
    return [statement.format(**fmt) for statement in LOAD_STATEMENTS]


def commit_run(warehouse: str | os.PathLike, staging_path: str | os.PathLike, run_row: dict,
               sql_dir: str | os.PathLike, models_gate=None) -> dict[str, int]:
    """Copy a run's staged rows into the warehouse and rebuild the models, all or nothing.

    `models_gate(con)` runs after the models are built; if it raises, nothing
    of the run lands. Returns the row counts copied.
    """
    copied: dict[str, int] = {}
    with next_version(warehouse) as con:
        con.execute(f"ATTACH {sql_string(Path(staging_path))} AS staging (READ_ONLY)")
        con.execute("BEGIN TRANSACTION")
        try:
            for table in ("articles", "entities", "mentions", "clean_removed", "dq_results", "article_signatures"):
                cols = column_list(table)
                key = UPSERT_KEYS.get(table)
                if key:
                    # Last staged row per key wins; staging may repeat a key across batches.
                    con.execute(
                        f"INSERT OR REPLACE INTO {table} ({cols}) SELECT {cols} FROM staging.{table} "
                        f"QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY rowid DESC) = 1"
                    )
                else:
                    con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM staging.{table}")
            for table in STAGED_TABLES:
                copied[table] = con.execute(f"SELECT count(*) FROM staging.{table}").fetchone()[0]
            for statement in _load_sql():
                con.execute(statement, {"run": run_row["run_id"]} if "$run" in statement else None)
            _fold_pending_runs(con, warehouse)
            run_row["articles_current"] = con.execute(
                "SELECT count(*) FROM articles WHERE superseded_by IS NULL AND deleted_at IS NULL").fetchone()[0]
            # What files ended as, once every item of theirs was judged at every stage.
            run_row["files_quarantined"], run_row["files_duplicate"] = con.execute(
                "SELECT count(*) FILTER (WHERE status = 'quarantined'), count(*) FILTER (WHERE status = 'duplicate') "
                "FROM source_files WHERE last_run_id = ?", [run_row["run_id"]]).fetchone()
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
    clear_pending_runs(warehouse)
    return copied


def write_run_row(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    insert_rows(con, "pipeline_runs", [row], verb="INSERT OR REPLACE INTO")


def pending_runs_path(warehouse: str | os.PathLike) -> Path:
    """Run records that could not be written into the warehouse (a full disk): the next run folds them in."""
    live = Path(warehouse)
    return live.with_name(live.name + ".pending-runs.jsonl")


def record_run_only(warehouse: str | os.PathLike, run_row: dict, dq_rows: list[dict] | None = None) -> str | None:
    """A run that loads no article data (it failed, or found nothing new) leaves only its own record.

    When even that cannot be written (the disk is full: the warehouse cannot be
    copied), the record goes to a small side file the next run folds in, and
    the reason is returned; a failed run is never left unrecorded.
    """
    try:
        with next_version(warehouse) as con:
            con.execute("BEGIN TRANSACTION")
            _fold_pending_runs(con, warehouse)
            write_run_row(con, run_row)
            insert_rows(con, "dq_results", dq_rows or [])
            con.execute("COMMIT")
        clear_pending_runs(warehouse)
        return None
    except (OSError, duckdb.Error, WarehouseInUse) as err:
        import json

        line = json.dumps({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in run_row.items()},
                          ensure_ascii=False, default=str)
        try:
            with open(pending_runs_path(warehouse), "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError:
            pass
        return f"{type(err).__name__}: {err}"


def _fold_pending_runs(con: duckdb.DuckDBPyConnection, warehouse: str | os.PathLike) -> None:
    """Run records kept aside by runs that could not write the warehouse (see `record_run_only`)."""
    import json

    path = pending_runs_path(warehouse)
    if not path.exists():
        return
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            continue
    frame = pd.DataFrame(rows, columns=columns_of("pipeline_runs"))
    for column in ("started_at", "finished_at"):
        frame[column] = pd.to_datetime(frame[column], errors="coerce")
    insert_rows(con, "pipeline_runs", frame, verb="INSERT OR IGNORE INTO")


def clear_pending_runs(warehouse: str | os.PathLike) -> None:
    """After a commit that folded them in."""
    pending_runs_path(warehouse).unlink(missing_ok=True)


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
