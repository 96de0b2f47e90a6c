"""The Prefect flow. The only module that imports prefect.

One task per stage, each working on a batch of articles:

    discover -> [ingest -> clean -> normalize -> entities -> stage rows] per batch -> load + models

Files are read one at a time and cut into batches of at most `batch_size`
articles (and `BATCH_CHARS` characters), so memory stays flat whatever the
files hold. Every stage task validates its output with the stage's GX suite
before it returns: row-level failures are quarantined; a broken invariant
stops the run only when a known-good article breaks it too (else the inputs
that meet the bug are quarantined and the run is flagged). One item never
stops a run: an exception while working on one article quarantines it.
Rows go to a per-run staging database; `load` copies them into the
warehouse and rebuilds the SQL models in one transaction.

A run ends in one of four states (`pipeline_runs.status`):

- `success`: committed;
- `warning`: committed, but a step after the commit failed (Data Docs, the
  UI artifacts): the data is in, the report is not;
- `alert`: committed, but the data needs a person: more than
  `max_quarantine_share` of the records were refused, inputs met a bug, or
  mass deletions were withheld. The Prefect flow run ends Failed so the UI
  shows it red, with the reason in its name and message;
- `failed`: nothing committed; only the run's record and its GX results.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Failed

from flows import config, dedupe, incremental, ingest, stages, warehouse
from flows.discover import DEFAULT_MAX_FILE_BYTES, discover_files
from flows.progress import RunProgress
from flows.quality import GateFailed, GateOutcome, QualityGates, raise_if_fatal
from flows.source_config import SourceConfig

NOT_CACHED = {"cache_policy": NO_CACHE, "persist_result": False}
DEFAULT_BATCH_SIZE = 1000
BATCH_CHARS = 8_000_000  # text per batch: about 50 MB of rows in flight, whatever the article sizes
DEFAULT_MAX_QUARANTINE_SHARE = 0.5
MIN_RECORDS_FOR_SHARE = 10  # one bad file among three is not an alert
DETAIL = {"akhbar_detail": True}  # per-item log lines: in the UI's logs, not on the terminal


def new_run_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:6]


# --------------------------------------------------------------------------- what a run keeps

class RunBook:
    """The run's counts, timings, quarantine tally and alerts: state only the flow owns."""

    def __init__(self, run_id: str):
        self.run_id = run_id
        self.counts: Counter = Counter()
        self.timings: dict[str, float] = {}
        self.reasons: Counter = Counter()  # (stage, reason) -> items quarantined this run
        self.examples: dict[tuple[str, str], str] = {}
        self.alerts: list[str] = []
        self.warnings: list[str] = []
        self.canary: dict[str, bool] = {}  # stage -> a known-good article passes its gate (see _apply_gate)

    @contextmanager
    def timed(self, stage: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - start

    def quarantined(self, rows: list[dict]) -> None:
        for row in rows:
            key = (row["stage"], row["reason"])
            self.reasons[key] += 1
            self.examples.setdefault(key, row["source_path"] or row.get("article_id") or "")
            get_run_logger().info("quarantined %s at %s: %s: %s", row["source_path"] or row.get("article_id"),
                                  row["stage"], row["reason"], row["detail"], extra=DETAIL)

    def quarantine_share(self) -> float:
        seen = self.counts["records_seen"]
        return self.counts["records_quarantined"] / seen if seen else 0.0


# --------------------------------------------------------------------------- tasks

def _transient_os_error(task, task_run, state) -> bool:
    """Retry a listing that failed on a busy disk or network share, not a missing folder."""
    try:
        state.result()
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return False
    except OSError:
        return True
    except Exception:
        return False
    return False


@task(name="discover", retries=3, retry_delay_seconds=[1, 4, 16], retry_condition_fn=_transient_os_error,
      **NOT_CACHED)
def discover_task(input_path: str, known: warehouse.KnownState, limits: ingest.Limits, sources: SourceConfig,
                  retry_quarantined: bool, accept_deletions: bool):
    """Walk the input; split files into new, changed, to re-judge and unchanged; find deletions."""
    found = discover_files(input_path, max_file_bytes=limits.max_file_bytes)
    plan = incremental.plan_run(found, known.files, lambda p: _fingerprint(limits, sources, p), retry_quarantined,
                                accept_deletions)
    get_run_logger().info(
        "%d files under %s: %d to read (%d new, %d to re-judge), %d unchanged, %d refused, %d deleted%s",
        len(found.files) + len(found.rejected), input_path, len(plan.read), plan.new, plan.rejudged,
        len(plan.unchanged) + len(plan.repeated), len(plan.rejected), len(plan.deleted),
        f" ({len(plan.deletions_withheld)} deletions withheld)" if plan.deletions_withheld else "")
    return found, plan


def _fingerprint(limits: ingest.Limits, sources: SourceConfig, path: str) -> str:
    return incremental.fingerprint(config.code_version(), limits.describe(), sources.fields_for(path).describe())


@task(name="ingest", **NOT_CACHED)
def ingest_task(batcher: stages.Batcher, batch: stages.Batch, known: warehouse.KnownState, gates: QualityGates,
                staging: warehouse.Staging, book: RunBook, fingerprint_for, known_hashes: dict,
                confirm: dict[str, str]) -> int:
    """Read the next files and cut the next batch of items; record copies and refusals; gate the articles."""
    run_id = book.run_id
    got = batcher.next_batch(batch.number)
    if got is None:
        return -1
    batch.files, batch.raw, batch.rejected, batch.duplicates = got.files, got.raw, got.rejected, got.duplicates
    quarantine = stages.rejected_rows(batch.rejected, run_id)
    file_rows, touched = stages.file_read_rows(batch.files, known.files, run_id, fingerprint_for)
    staging.append("quarantine", quarantine)
    staging.append("source_files", file_rows)
    staging.append("touched_files", touched)
    staging.append("source_items", stages.item_rows(batch.duplicates, run_id))
    book.quarantined(quarantine)
    refused_reads = [r for r in batch.files if r.refused is not None]
    if refused_reads:
        rows = stages.rejected_rows([r.refused for r in refused_reads], run_id)
        staging.append("quarantine", rows)
        book.quarantined(rows)
    read_ok = [r for r in batch.files if r.refused is None]
    # Every item counts as a record: an article, a copy, a refused record, or a file refused whole.
    refused = len(batch.rejected) + len(refused_reads)
    book.counts.update(
        files_unchanged=sum(1 for r in read_ok if r.unchanged),
        files_changed=sum(1 for r in read_ok if not r.unchanged and r.file.path in confirm),
        records_seen=len(batch.raw) + len(batch.duplicates) + refused,
        records_duplicate=len(batch.duplicates),
        records_quarantined=refused,
    )
    articles = stages.article_rows(batch.raw, run_id)
    batch.raw = []
    outcome = gates.validate("ingest", stages.ingest_frame(articles), run_id, batch.number)
    batch.articles = _apply_gate(articles, "article_id", outcome, gates, staging, book, known_hashes)
    return len(batch.articles) + len(batch.duplicates) + len(batch.rejected)


@task(name="clean", **NOT_CACHED)
def clean_task(batch: stages.Batch, gates, staging, book: RunBook, known_hashes) -> int:
    articles, failed = batch.articles, []
    removed = stages.clean_articles(articles, book.run_id, failed)
    _quarantine_failed(failed, staging, book, known_hashes)
    outcome = gates.validate("clean", stages.clean_frame(articles), book.run_id, batch.number)
    articles = _apply_gate(articles, "article_id", outcome, gates, staging, book, known_hashes)
    kept_ids = {a["article_id"] for a in articles}
    kept_removed = [r for r in removed if r["article_id"] in kept_ids]
    staging.append("clean_removed", kept_removed)
    book.counts.update(removed_lines=len(kept_removed))
    batch.articles = articles
    return len(articles)


@task(name="normalize", **NOT_CACHED)
def normalize_task(batch: stages.Batch, gates, staging, book: RunBook, known_hashes, near_duplicates,
                   story_of) -> int:
    """Matching form of each body; then syndicated copies are linked to the story they copy."""
    articles, failed = batch.articles, []
    stages.normalize_articles(articles, book.run_id, failed)
    _quarantine_failed(failed, staging, book, known_hashes)
    outcome = gates.validate("normalize", stages.normalize_frame(articles), book.run_id, batch.number)
    articles = _apply_gate(articles, "article_id", outcome, gates, staging, book, known_hashes)
    staging.append("article_signatures", stages.mark_near_duplicates(articles, near_duplicates, story_of))
    book.counts.update(articles_near_duplicate=sum(1 for a in articles if a.get("duplicate_of")))
    batch.articles = articles
    return len(articles)


@task(name="entities", **NOT_CACHED)
def entities_task(batch: stages.Batch, known_entity_ids, gates, staging, book: RunBook, known_hashes) -> int:
    articles, failed = batch.articles, []
    mentions, entity_rows = stages.extract_entities(articles, book.run_id, failed=failed)
    _quarantine_failed(failed, staging, book, known_hashes)
    frame = stages.mentions_frame(mentions, articles, entity_rows)
    outcome = gates.validate("entities", frame, book.run_id, batch.number)
    mentions = _apply_gate(mentions, "mention_key", outcome, gates, staging, book)
    new_entities = [e for e_id, e in entity_rows.items() if e_id not in known_entity_ids]
    staging.append("mentions", mentions)
    staging.append("entities", new_entities)
    known_entity_ids.update(e["entity_id"] for e in new_entities)
    book.counts.update(mentions_loaded=len(mentions), entities_new=len(new_entities))
    batch.articles = articles
    return len(mentions)


@task(name="stage-articles", **NOT_CACHED)
def stage_articles_task(batch: stages.Batch, staging, book: RunBook, known_hashes) -> int:
    """The articles that passed every gate, and which item of which file holds each."""
    articles, unstorable = [], []
    for a in batch.articles:
        bad = stages.unstorable_field(a)
        if bad:
            unstorable.append(stages.quarantine_row(a["source_path"], "stage", "invalid Unicode",
                                                    f"field {bad} holds characters that are not valid Unicode",
                                                    book.run_id, article_id=a["article_id"], file_path=a["_file"]))
        else:
            articles.append(a)
    _quarantine_failed(unstorable, staging, book, known_hashes)
    staging.append("articles", articles)
    staging.append("source_items", stages.item_rows(articles, book.run_id))
    book.counts.update(articles_loaded=len(articles))
    return len(articles)


@task(name="load", **NOT_CACHED)
def load_task(warehouse_path: str, staging: warehouse.Staging, run_row: dict, gates: QualityGates, run_id: str,
              timings: dict):
    """One transaction: staged rows in, models rebuilt, models gate passed, or nothing lands."""
    started = time.perf_counter()
    staging.release()

    def models_gate(con):
        outcomes = []
        for suite in gates.suites_for("models"):
            table = gates.suite_dicts[suite]["meta"]["table"]
            # Only the columns the suite checks: entity_cooccurrence holds 500k pairs on a 31k-article
            # warehouse, and all eight columns in pandas cost 440 MB where the checked four cost half.
            columns = ", ".join(f'"{c}"' for c in gates.columns_checked(suite))
            outcomes.append(gates.validate(suite, con.execute(f'SELECT {columns} FROM "{table}"').df(), run_id,
                                           blame_rows=False))
        dq = [row for o in outcomes for row in o.dq_rows]
        run_row["gx_expectations"] += sum(o.evaluated for o in outcomes)
        run_row["gx_failed"] += sum(o.failed for o in outcomes)
        warehouse.insert_rows(con, "dq_results", dq)
        raise_if_fatal(outcomes)
        # The load's duration up to here: all of it but the commit and the swap.
        run_row["stage_seconds"] = _seconds_json({**timings, "load": time.perf_counter() - started})
        warehouse.write_run_row(con, run_row)

    return warehouse.commit_run(warehouse_path, staging.path, run_row, config.sql_dir(), models_gate)


# --------------------------------------------------------------------------- quarantine

def _quarantine_failed(rows: list[dict], staging: warehouse.Staging, book: RunBook, known_hashes: dict) -> None:
    """Articles that left the run (a bug met them, or a gate refused them) and their copies."""
    if not rows:
        return
    staging.append("quarantine", rows)
    book.quarantined(rows)
    book.counts.update(articles_quarantined=len(rows), records_quarantined=len(rows))
    bad_ids = {r["article_id"] for r in rows if r.get("article_id")}
    # An article that did not load gives up its content hash, so a later file with the same text
    # is judged again rather than recorded as a copy of an article that never loaded.
    for content, article_id in list(known_hashes.items()):
        if article_id in bad_ids:
            del known_hashes[content]
    copies = staging.quarantine_copies_of(bad_ids, rows[0]["stage"], book.run_id)
    if copies:
        book.counts.update(records_duplicate=-copies, records_quarantined=copies)
        book.reasons[(rows[0]["stage"], "copy of a quarantined article")] += copies


def _canary_passes(gates: QualityGates, stage: str, book: RunBook) -> bool:
    """Does a known-good article pass this stage's gate with the code as it is? (once per run and stage)"""
    if stage not in book.canary:
        try:
            book.canary[stage] = gates.validate(stage, stages.canary_frames()[stage], book.run_id).success
        except Exception:
            book.canary[stage] = False
    return book.canary[stage]


def _apply_gate(rows: list[dict], key: str, outcome: GateOutcome, gates: QualityGates, staging: warehouse.Staging,
                book: RunBook, known_hashes: dict | None = None) -> list[dict]:
    """Record the gate's results, stop the run on a broken invariant of the code, split off bad rows."""
    staging.append("dq_results", outcome.dq_rows)
    raise_if_fatal([outcome])
    if outcome.invariant_rows:
        inputs = sorted({r.get("source_path") or r.get("article_id") or str(r[key]) for r in rows
                         if str(r[key]) in outcome.invariant_rows})
        named = ", ".join(inputs[:5]) + (f" and {len(inputs) - 5} more" if len(inputs) > 5 else "")
        if not _canary_passes(gates, outcome.stage, book):
            raise GateFailed(f"Data-quality gate failed: {' | '.join(outcome.invariant_messages)}; a known-good "
                             f"article fails it too, so the code is broken (inputs: {named})")
        book.alerts.append(f"{len(inputs)} input(s) met a bug at {outcome.stage} (broken invariant, quarantined): "
                           f"{named}")
    kept, quarantined = stages.split_by_outcome(rows, key, outcome.bad_rows, outcome.stage, outcome.suite,
                                                book.run_id)
    kept, broken = stages.split_by_outcome(kept, key, outcome.invariant_rows, outcome.stage, outcome.suite,
                                           book.run_id, reason="broken invariant")
    failed = quarantined + broken
    if failed:
        if key == "article_id":
            _quarantine_failed(failed, staging, book, known_hashes or {})
        else:  # mentions: the mention leaves, its article stays
            for row in failed:
                row["source_path"] = row["source_path"] or row["article_id"]
            staging.append("quarantine", failed)
            book.quarantined(failed)
            book.counts.update(mentions_quarantined=len(failed))
    return kept


# --------------------------------------------------------------------------- the flow

def _initial_run_name() -> str:
    params = flow_run.parameters or {}
    source = Path(params.get("input_dir") or config.default_input()).name
    target = Path(params.get("warehouse_path") or config.default_warehouse()).name
    return f"akhbar {source} -> {target}"


def quiet_libraries() -> None:
    for name in ("great_expectations", "py.warnings"):
        logging.getLogger(name).setLevel(logging.ERROR)


class _DetailFilter(logging.Filter):
    """Keeps per-item lines (one per quarantined item) off the terminal; the UI still gets them."""

    def __init__(self, progress: RunProgress):
        super().__init__()
        self.progress = progress

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "akhbar_detail", False):
            return False
        if self.progress.active and record.levelno < logging.WARNING and record.name == "prefect.task_runs":
            return False  # "Finished in state Completed()" for every task: the progress line says it
        return self.progress.print_through(record, self.handler)


@contextmanager
def _terminal(progress: RunProgress):
    """While the run works: the progress line on a terminal, and per-item log lines off it."""
    from prefect.logging.handlers import PrefectConsoleHandler

    handlers = [h for h in logging.getLogger().handlers if isinstance(h, PrefectConsoleHandler)]
    filters = []
    for handler in handlers:
        f = _DetailFilter(progress)
        f.handler = handler
        handler.addFilter(f)
        filters.append((handler, f))
    try:
        yield
    finally:
        progress.close()
        for handler, f in filters:
            handler.removeFilter(f)


@flow(name="akhbar-pipeline", flow_run_name=_initial_run_name, log_prints=True)
def akhbar_pipeline(input_dir: str | None = None, warehouse_path: str | None = None,
                    batch_size: int = DEFAULT_BATCH_SIZE, max_bytes: int = ingest.DEFAULT_MAX_BYTES,
                    lock_timeout_s: float = 600.0, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
                    fields: dict[str, str] | None = None, retry_quarantined: bool = False,
                    accept_deletions: bool = False, max_quarantine_share: float = DEFAULT_MAX_QUARANTINE_SHARE,
                    progress: bool | None = None):
    """Ingest, clean, normalize and extract entities from the articles under `input_dir` (a folder or a file)."""
    quiet_libraries()
    logger = get_run_logger()
    given = Path(input_dir or config.default_input())
    # a folder as discovery sees it (links resolved); a file as named, without "..": its name is what is stored
    input_path = str(given.resolve()) if given.is_dir() else os.path.normpath(given.absolute())
    wh_path = Path(warehouse_path or config.default_warehouse()).resolve()
    run_id = new_run_id()
    book = RunBook(run_id)
    limits = ingest.Limits(max_bytes=max_bytes, max_file_bytes=max_file_bytes)
    run_row = {"run_id": run_id, "flow_run_id": str(flow_run.id) if flow_run.id else None,
               "flow_run_name": flow_run.name, "input_dir": input_path, "started_at": stages.utcnow(),
               "status": "running", "gx_expectations": 0, "gx_failed": 0}
    show = RunProgress(enabled=sys.stderr.isatty() if progress is None else progress)
    with warehouse.run_lock(wh_path, holder=f"run {run_id} ({flow_run.name or 'no flow run'})",
                            timeout_s=lock_timeout_s), _terminal(show):
        warehouse.remove_stale_files(wh_path)  # left by a run of this warehouse that was killed; we hold the lock
        staging = None
        try:
            known = warehouse.read_known_state(wh_path)
            sources = SourceConfig(str(Path(input_path).resolve()), Path(input_path).is_file(), fields)
            with book.timed("discover"):
                found, plan = discover_task(input_path, known, limits, sources, retry_quarantined, accept_deletions)
            _plan_counts(book, found, plan)
            if plan.nothing_to_do and warehouse.warehouse_exists(wh_path):
                # Nothing new: no stage has work, the models cannot change; only the run is recorded.
                return _nothing_new(wh_path, run_row, book, plan)
            with book.timed("gates-setup"):
                gates = QualityGates(config.expectations_dir(), config.data_docs_dir(wh_path))
            staging = warehouse.Staging(warehouse.staging_path(wh_path, run_id))
            fingerprint_for = lambda p: _fingerprint(limits, sources, p)  # noqa: E731
            rows = stages.rejected_rows(plan.rejected, run_id)
            staging.append("quarantine", rows)
            staging.append("source_files", stages.refused_file_rows(plan.rejected, run_id, fingerprint_for))
            book.quarantined(rows)
            deleted_files, deleted_touched = stages.deleted_file_rows(plan.deleted, run_id)
            staging.append("source_files", deleted_files)
            staging.append("touched_files", deleted_touched)
            known_hashes = dict(known.content_hashes)
            entity_ids = set(known.entity_ids)
            with book.timed("dedupe-setup"):
                signatures = warehouse.read_signatures(wh_path)
                story_of = {article_id: story for article_id, story, _ in signatures}
                near_duplicates = dedupe.load_index((a, dedupe.from_blob(sig)) for a, _, sig in signatures)
            stream = ingest.ItemStream(plan.read, known_hashes, limits, sources.fields_for, known_files=plan.confirm)
            batcher = stages.Batcher(stream, batch_size, BATCH_CHARS)
            show.start(len(plan.read), sum(f.size for f in plan.read))
            # Tasks fill and return only counts: a task's return value stays referenced by the flow run
            # until it ends, so returning the articles would hold every batch in memory.
            batch_no = 0
            while True:
                batch = stages.Batch(number=batch_no)
                with book.timed("ingest"):
                    show.stage("reading")
                    if ingest_task(batcher, batch, known, gates, staging, book, fingerprint_for, known_hashes,
                                   plan.confirm) < 0:
                        break
                show.advance(stream, book.counts)
                for name, run_stage in (
                        ("clean", lambda: clean_task(batch, gates, staging, book, known_hashes)),
                        ("normalize", lambda: normalize_task(batch, gates, staging, book, known_hashes,
                                                             near_duplicates, story_of)),
                        ("entities", lambda: entities_task(batch, entity_ids, gates, staging, book, known_hashes)),
                        ("stage", lambda: stage_articles_task(batch, staging, book, known_hashes))):
                    show.stage(name)
                    with book.timed(name):
                        run_stage()
                show.advance(stream, book.counts)
                batch_no += 1
                batch.release()
                del batch
                if batcher.exhausted:
                    break
            show.close()
            _run_alerts(book, plan, max_quarantine_share)
            run_row.update(_counts_columns(book), status="alert" if book.alerts else "success",
                           message="; ".join(book.alerts)[:2000] or None, alerts=json.dumps(book.alerts,
                                                                                            ensure_ascii=False),
                           finished_at=stages.utcnow(), stage_seconds=_seconds_json(book.timings),
                           counts=json.dumps(dict(book.counts)))
            run_row["gx_expectations"] = staging.count("dq_results")
            run_row["gx_failed"] = int(staging.con.execute(
                "SELECT count(*) FROM dq_results WHERE NOT success").fetchone()[0])
            with book.timed("load"):
                load_task(str(wh_path), staging, run_row, gates, run_id, dict(book.timings))
            # what the load found files to be, once their items were counted
            book.counts["files_quarantined"] = run_row["files_quarantined"]
            book.counts["files_duplicate"] = run_row["files_duplicate"]
        except BaseException as err:
            _record_failure(wh_path, run_row, book, staging, err)
            raise
        finally:
            if staging is not None:
                staging.close()
        docs_url = _after_commit(book, "Data Docs", gates.build_docs)
    summary = _after_commit(book, "the run's artifacts",
                            lambda: _publish_run(wh_path, run_id, run_row, book, docs_url)) or _summary(run_row, book)
    if book.warnings and not book.alerts:
        run_row["status"] = "warning"
        summary["status"] = "warning"
    _after_commit(book, "the run's log summary", lambda: _log_summary(logger, run_id, book))
    if book.alerts:
        return Failed(message=f"committed, but needs attention: {'; '.join(book.alerts)}", data=summary)
    return summary


def _plan_counts(book: RunBook, found, plan: incremental.Plan) -> None:
    book.counts.update(files_seen=len(found.files) + len(found.rejected), files_new=plan.new,
                       files_unchanged=len(plan.unchanged) + len(plan.repeated),
                       records_seen=len(plan.rejected), records_quarantined=len(plan.rejected),
                       files_deleted=len(plan.deleted), files_rejudged=plan.rejudged)


def _run_alerts(book: RunBook, plan: incremental.Plan, max_share: float) -> None:
    share = book.quarantine_share()
    book.counts["quarantine_share_pct"] = round(100 * share, 1)
    seen = book.counts["records_seen"]
    if seen >= MIN_RECORDS_FOR_SHARE and share > max_share:
        top = ", ".join(f"{reason} ×{n}" for (_, reason), n in book.reasons.most_common(3))
        book.alerts.append(f"{share:.0%} of {seen} items quarantined (over {max_share:.0%}): {top}")
    if plan.deletions_withheld:
        book.alerts.append(
            f"{len(plan.deletions_withheld)} known files are missing from the input (more than half of it): "
            f"not treated as deleted; if they really were removed, run again with --accept-deletions")


def _nothing_new(wh_path: Path, run_row: dict, book: RunBook, plan: incremental.Plan):
    _run_alerts(book, plan, 1.0)
    run_row.update(_counts_columns(book), status="alert" if book.alerts else "success",
                   message="; ".join(book.alerts) or None, alerts=json.dumps(book.alerts, ensure_ascii=False),
                   finished_at=stages.utcnow(), stage_seconds=_seconds_json(book.timings),
                   counts=json.dumps(dict(book.counts)))
    problem = warehouse.record_run_only(wh_path, run_row)
    if problem:
        book.warnings.append(f"the run's record could not be written into the warehouse ({problem}); it was "
                             f"kept in {warehouse.pending_runs_path(wh_path)} for the next run")
    summary = _after_commit(book, "the run's artifacts",
                            lambda: _publish_run(wh_path, book.run_id, run_row, book, None)) or _summary(run_row, book)
    get_run_logger().info("run %s: nothing new (%d files unchanged)", book.run_id, book.counts["files_unchanged"])
    if book.alerts:
        return Failed(message=f"needs attention: {'; '.join(book.alerts)}", data=summary)
    return summary


def _record_failure(wh_path: Path, run_row: dict, book: RunBook, staging, err: BaseException) -> None:
    """A failed run leaves its record and its GX results; a failure while recording never hides `err`."""
    logger = get_run_logger()
    run_row.update(_counts_columns(book), status="failed", finished_at=stages.utcnow(),
                   message=f"{type(err).__name__}: {err}"[:2000], stage_seconds=_seconds_json(book.timings),
                   counts=json.dumps(dict(book.counts)))
    dq: list[dict] = []
    if staging is not None:
        try:
            dq = staging.frame("SELECT * FROM dq_results").to_dict("records")
        except Exception as read_err:  # the staging file itself may be what broke
            logger.warning("could not read the failed run's GX results back: %s", read_err)
    try:
        problem = warehouse.record_run_only(wh_path, run_row, dq_rows=dq)
    except Exception as record_err:
        problem = f"{type(record_err).__name__}: {record_err}"
    if problem:
        logger.error("could not record the failed run in the warehouse (%s); kept in %s", problem,
                     warehouse.pending_runs_path(wh_path))
    logger.error("run %s failed: %s", book.run_id, err)
    reason = f"{type(err).__name__}: {err}"
    _rename(f"✗ akhbar {Path(run_row['input_dir']).name}: failed — {reason[:120]}")
    try:
        md = [f"# akhbar run `{book.run_id}`: failed, nothing committed", "", f"Input: `{run_row['input_dir']}`  ",
              f"Warehouse: `{wh_path}`", "", "## Why", "", "```", reason[:4000], "```", "",
              "## Counts when it stopped", "", "| what | count |", "|---|---|"]
        md += [f"| {k} | {v} |" for k, v in _counts_columns(book).items()]
        if problem:
            md += ["", f"The run's record could not be written into the warehouse ({problem}); it is kept in "
                       f"`{warehouse.pending_runs_path(wh_path)}` and folded in by the next run."]
        create_markdown_artifact(key="akhbar-run-summary", markdown="\n".join(md),
                                 description=f"akhbar run {book.run_id} (failed)")
    except Exception as art_err:
        logger.warning("could not write the failed run's summary artifact: %s", art_err)


def _after_commit(book: RunBook, what: str, step):
    """Steps after the commit: a failure here is reported, never turned into a failed run (the data is in)."""
    try:
        return step()
    except Exception as err:
        book.warnings.append(f"{what} could not be written: {type(err).__name__}: {err}")
        get_run_logger().warning("the run's data is committed, but %s could not be written: %s", what, err)
        return None


def _log_summary(logger, run_id: str, book: RunBook) -> None:
    c = book.counts
    logger.info("run %s: files %d seen, %d new, %d changed, %d unchanged, %d deleted, %d refused; records %d seen, "
                "%d loaded, %d copies, %d quarantined", run_id, c["files_seen"], c["files_new"], c["files_changed"],
                c["files_unchanged"], c["files_deleted"], c["files_quarantined"], c["records_seen"],
                c["articles_loaded"], c["records_duplicate"], c["records_quarantined"])
    if book.reasons:
        grouped = "; ".join(f"{reason} ({stage}) ×{n}" + (f", e.g. {book.examples[(stage, reason)]}"
                                                           if (stage, reason) in book.examples else "")
                            for (stage, reason), n in book.reasons.most_common())
        logger.warning("quarantined this run, by reason: %s", grouped)
    for alert in book.alerts:
        logger.warning("needs attention: %s", alert)
    for warning in book.warnings:
        logger.warning("%s", warning)


def _seconds_json(timings: dict[str, float]) -> str:
    return json.dumps({k: round(v, 3) for k, v in timings.items()})


COUNT_COLUMNS = ("files_seen", "files_new", "files_changed", "files_unchanged", "files_duplicate",
                 "files_quarantined", "files_deleted", "records_seen", "records_duplicate", "records_quarantined",
                 "articles_loaded", "articles_quarantined", "articles_near_duplicate", "mentions_loaded",
                 "entities_new", "removed_lines")


def _counts_columns(book: RunBook) -> dict:
    out = {n: int(book.counts.get(n, 0)) for n in COUNT_COLUMNS}
    out["quarantine_share"] = round(book.quarantine_share(), 4)
    return out


def _summary(run_row: dict, book: RunBook, docs_url: str | None = None) -> dict:
    return {"run_id": book.run_id, "status": run_row.get("status"), **_counts_columns(book),
            "quarantined_by_reason": {f"{reason} ({stage})": n for (stage, reason), n in book.reasons.most_common()},
            "alerts": list(book.alerts), "warnings": list(book.warnings), "data_docs": docs_url}


# --------------------------------------------------------------------------- what the UI shows

def _publish_run(wh_path: Path, run_id: str, run_row: dict, book: RunBook, docs_url) -> dict:
    with warehouse.connect(wh_path, read_only=True) as con:
        top = con.execute(
            "SELECT canonical_name, entity_type, name_en, article_count, mention_count FROM entity_summary "
            "ORDER BY article_count DESC, mention_count DESC LIMIT 20").df()
        first_seen = con.execute(
            "SELECT s.canonical_name, s.entity_type, s.name_en, s.article_count, s.mention_count "
            "FROM entities e JOIN entity_summary s USING (entity_id) WHERE e.first_run_id = ? "
            "ORDER BY s.article_count DESC, s.mention_count DESC LIMIT 50", [run_id]).df()
        dq = con.execute(
            "SELECT stage, suite, count(*) AS n, count(*) FILTER (WHERE NOT success) AS failed, "
            "list(DISTINCT expectation || coalesce('(' || column_name || ')', '')) FILTER (WHERE NOT success) "
            "FROM dq_results WHERE run_id = ? GROUP BY ALL ORDER BY stage, suite", [run_id]).fetchall()
        examples = con.execute(
            "SELECT stage, reason, count(*), any_value(source_path), any_value(detail) FROM quarantine "
            "WHERE run_id = ? GROUP BY ALL ORDER BY 3 DESC LIMIT 30", [run_id]).fetchall()
    counts = _counts_columns(book)
    status = "needs attention" if book.alerts else ("committed with warnings" if book.warnings else "success")
    md = [f"# akhbar run `{run_id}`: {status}", "", f"Input: `{run_row['input_dir']}`  ", f"Warehouse: `{wh_path}`", ""]
    if book.alerts or book.warnings:
        md += ["## Needs attention", ""] + [f"- {a}" for a in book.alerts + book.warnings] + [""]
    md += ["## Counts", "", "| what | count |", "|---|---|"]
    md += [f"| {k} | {v} |" for k, v in counts.items()]
    md += ["", "## Stage timings (s)", "", "| stage | seconds |", "|---|---|"]
    md += [f"| {k} | {v:.2f} |" for k, v in book.timings.items()]
    md += ["", "## Great Expectations", "", "| stage | suite | expectations | failed | failing |", "|---|---|---|---|---|"]
    md += [f"| {s} | {su} | {n} | {f} | {', '.join(x or [])} |" for s, su, n, f, x in dq]
    md += ["", f"Data Docs: {docs_url or '(not built)'}", "",
           f"## Quarantined this run, by reason ({sum(book.reasons.values())} items)", ""]
    if examples:
        md += ["| stage | reason | items | e.g. | detail |", "|---|---|---|---|---|"]
        md += [f"| {s} | {r} | {n} | {_cell(Path(p).name if p else '')} | {_cell(d)} |"
               for s, r, n, p, d in examples]
    else:
        md.append("None.")
    create_markdown_artifact(key="akhbar-run-summary", markdown="\n".join(md), description=f"akhbar run {run_id}")
    create_table_artifact(key="akhbar-top-entities", table=top.to_dict(orient="records"),
                          description="Top entities by number of articles")
    create_table_artifact(key="akhbar-new-entities", table=first_seen.to_dict(orient="records"),
                          description=f"Entities first seen in run {run_id}")
    _rename_flow_run(book, run_row["input_dir"])
    return _summary(run_row, book, docs_url)


def _cell(text) -> str:
    return str(text or "").replace("|", "/").replace("\n", " ")[:200]


def _rename_flow_run(book: RunBook, input_dir: str) -> None:
    """After the run the name can say what happened, which the UI list then shows."""
    if not flow_run.id:
        return
    c = book.counts
    name = (f"akhbar {Path(input_dir).name}: +{c.get('articles_loaded', 0)} articles, "
            f"{c.get('files_unchanged', 0)} unchanged, "
            f"{c.get('records_quarantined', 0)} quarantined")
    if book.alerts:
        name = f"⚠ {name} — {book.alerts[0][:80]}"
    _rename(name)


def _rename(name: str) -> None:
    if not flow_run.id:
        return
    try:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            client.update_flow_run(flow_run.id, name=name[:200])
    except Exception as err:  # the name is cosmetic: never fail a run over it
        get_run_logger().warning("could not rename the flow run: %s", err)


# --------------------------------------------------------------------------- schedules

DEPLOYMENT_NAME = "scheduled"


def build_deployment(cron: str | None = None, interval: float | None = None, input_dir: str | None = None,
                     warehouse_path: str | None = None, name: str = DEPLOYMENT_NAME, **options):
    """The deployment `akhbar serve` runs: a schedule that carries its own parameters."""
    if bool(cron) == bool(interval):
        raise ValueError("give exactly one of a cron expression or an interval in seconds")
    parameters = {"input_dir": str(Path(input_dir or config.default_input()).resolve()),
                  "warehouse_path": str(Path(warehouse_path or config.default_warehouse()).resolve()),
                  **{k: v for k, v in options.items() if v is not None}}
    return akhbar_pipeline.to_deployment(
        name=name, cron=cron, interval=interval, parameters=parameters, tags=["akhbar"],
        description=f"akhbar every {cron or f'{interval:g}s'}: {parameters['input_dir']} -> {parameters['warehouse_path']}")


def serve_deployment(deployment) -> None:
    """Blocks: registers the deployment and runs its scheduled and manual runs, one at a time."""
    from prefect import serve

    serve(deployment, limit=1)
