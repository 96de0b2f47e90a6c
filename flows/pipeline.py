"""The Prefect flow. The only module that imports prefect.

One task per stage, each working on a batch of articles:

    discover -> [ingest -> clean -> normalize -> entities -> stage rows] per batch -> load + models

Every stage task validates its output with the stage's GX suite before it
returns: row-level failures are quarantined, batch-level failures fail the
task and so the run. Rows go to a per-run staging database; `load` copies
them into the warehouse and rebuilds the SQL models in one transaction.
"""
from __future__ import annotations

import json
import logging
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows import config, dedupe, ingest, stages, warehouse
from flows.quality import GateOutcome, QualityGates, raise_if_fatal

NOT_CACHED = {"cache_policy": NO_CACHE, "persist_result": False}
DEFAULT_BATCH_SIZE = 1000


def new_run_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:6]


def chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


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
def discover_task(input_dir: str, known: warehouse.KnownState, max_bytes: int):
    """Walk the input folder; split files into new, changed and unchanged (path, size, mtime)."""
    found = ingest.discover_files(input_dir, max_bytes=max_bytes)
    # A file refused before and untouched since is not refused (nor counted) again.
    repeated = [r for r in found.rejected
                if (prev := known.files.get(r.source_path)) and prev[3] == "quarantined"
                and (prev[0], prev[1]) == (r.size, r.mtime)]
    found.rejected = [r for r in found.rejected if r not in repeated]
    todo, unchanged = [], list(repeated)
    changed = 0
    for f in found.files:
        if ingest.is_unchanged(f, known.files):
            unchanged.append(f)
        else:
            changed += f.path in known.files
            todo.append(f)
    get_run_logger().info("%d files under %s: %d to read (%d changed), %d unchanged, %d rejected",
                          len(found.files) + len(found.rejected), input_dir, len(todo), changed,
                          len(unchanged), len(found.rejected))
    return found, todo, unchanged


@task(name="ingest", **NOT_CACHED)
def ingest_task(batch: stages.Batch, known_hashes, known: warehouse.KnownState, gates: QualityGates,
                staging: warehouse.Staging, run_id: str, counts: Counter, max_bytes: int) -> int:
    """Read and decode a batch of files; drop what is already loaded; gate the rest."""
    files, batch_no = batch.files, batch.number
    known_files = known.files
    contents = {f.path: ingest.read_file(f) for f in files}
    file_hashes = {path: ingest.file_hash(data) for path, (data, _) in contents.items() if data is not None}
    # The cheap check (path, size, mtime) said "changed"; identical bytes say otherwise.
    unchanged = [f for f in files if f.path in known_files and known_files[f.path][2] == file_hashes.get(f.path)]
    unchanged_paths = {f.path for f in unchanged}
    fresh = [f for f in files if f.path not in unchanged_paths]
    read = ingest.ingest_files(fresh, known_hashes, read=lambda f: contents[f.path], max_bytes=max_bytes)
    quarantine, file_rows = stages.rejected_rows(read.rejected, run_id, file_hashes)
    file_rows += stages.duplicate_rows(read.duplicates, file_hashes, run_id)
    file_rows += stages.unchanged_file_rows(unchanged, known_files, run_id)
    articles = stages.article_rows(read.articles, file_hashes, run_id)
    staging.append("quarantine", quarantine)
    staging.append("source_files", file_rows)
    outcome = gates.validate("ingest", stages.ingest_frame(articles), run_id, batch_no)
    articles, failed = _apply_gate(articles, "article_id", outcome, staging, run_id, known_hashes, counts)
    counts.update(files_quarantined=len(read.rejected), files_duplicate=len(read.duplicates),
                  files_unchanged=len(unchanged), articles_quarantined=len(failed))
    for r in read.rejected:
        get_run_logger().warning("quarantined %s: %s", r.source_path, r.detail)
    batch.articles = articles
    return len(articles)


@task(name="clean", **NOT_CACHED)
def clean_task(batch: stages.Batch, gates, staging, run_id, counts, known_hashes) -> int:
    articles = batch.articles
    removed = stages.clean_articles(articles, run_id)
    outcome = gates.validate("clean", stages.clean_frame(articles), run_id, batch.number)
    articles, failed = _apply_gate(articles, "article_id", outcome, staging, run_id, known_hashes, counts)
    kept_ids = {a["article_id"] for a in articles}
    staging.append("clean_removed", [r for r in removed if r["article_id"] in kept_ids])
    counts.update(removed_lines=sum(1 for r in removed if r["article_id"] in kept_ids),
                  articles_quarantined=len(failed))
    batch.articles = articles
    return len(articles)


@task(name="normalize", **NOT_CACHED)
def normalize_task(batch: stages.Batch, gates, staging, run_id, counts, known_hashes, near_duplicates,
                   story_of) -> int:
    """Matching form of each body; then syndicated copies are linked to the story they copy."""
    articles = batch.articles
    stages.normalize_articles(articles)
    outcome = gates.validate("normalize", stages.normalize_frame(articles), run_id, batch.number)
    articles, failed = _apply_gate(articles, "article_id", outcome, staging, run_id, known_hashes, counts)
    staging.append("article_signatures", stages.mark_near_duplicates(articles, near_duplicates, story_of))
    counts.update(articles_quarantined=len(failed),
                  articles_near_duplicate=sum(1 for a in articles if a.get("duplicate_of")))
    batch.articles = articles
    return len(articles)


@task(name="entities", **NOT_CACHED)
def entities_task(batch: stages.Batch, known_entity_ids, gates, staging, run_id, counts) -> int:
    articles = batch.articles
    mentions, entity_rows = stages.extract_entities(articles, run_id)
    frame = stages.mentions_frame(mentions, articles, entity_rows)
    outcome = gates.validate("entities", frame, run_id, batch.number)
    mentions, failed = _apply_gate(mentions, "mention_key", outcome, staging, run_id)
    new_entities = [e for e_id, e in entity_rows.items() if e_id not in known_entity_ids]
    staging.append("mentions", mentions)
    staging.append("entities", new_entities)
    known_entity_ids.update(e["entity_id"] for e in new_entities)
    counts.update(mentions_loaded=len(mentions), entities_new=len(new_entities), mentions_quarantined=len(failed))
    return len(mentions)


@task(name="stage-articles", **NOT_CACHED)
def stage_articles_task(batch: stages.Batch, known_files, staging, run_id, counts) -> int:
    """The articles that passed every gate; a changed file's new version supersedes the old one only now."""
    articles = batch.articles
    staging.append("articles", articles)
    staging.append("source_files", stages.loaded_file_rows(articles, run_id))
    staging.append("supersede", stages.supersede_rows(articles, known_files, run_id))
    counts.update(articles_loaded=len(articles))
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
            outcomes.append(gates.validate(suite, con.execute(f'SELECT * FROM "{table}"').df(), run_id))
        dq = [row for o in outcomes for row in o.dq_rows]
        run_row["gx_expectations"] += sum(o.evaluated for o in outcomes)
        run_row["gx_failed"] += sum(o.failed for o in outcomes)
        warehouse.insert_rows(con, "dq_results", dq)
        raise_if_fatal(outcomes)
        # The load's duration up to here: all of it but the commit and the swap.
        run_row["stage_seconds"] = _seconds_json({**timings, "load": time.perf_counter() - started})
        warehouse.write_run_row(con, run_row)

    return warehouse.commit_run(warehouse_path, staging.path, run_row, config.sql_dir(), models_gate)


def _apply_gate(rows: list[dict], key: str, outcome: GateOutcome, staging: warehouse.Staging, run_id: str,
                known_hashes: dict | None = None, counts: Counter | None = None):
    """Record the gate's results, stop the run on a batch-level failure, split off bad rows.

    An article quarantined here gives up its content hash, so a later file with
    the same text is judged again rather than recorded as a copy of an article
    that never loaded; copies already recorded in this run are quarantined with it.
    """
    staging.append("dq_results", outcome.dq_rows)
    raise_if_fatal([outcome])
    kept, quarantined = stages.split_by_outcome(rows, key, outcome, run_id)
    if quarantined:
        staging.append("quarantine", quarantined)
        for q in quarantined:
            get_run_logger().warning("quarantined %s at %s: %s", q["source_path"] or q["article_id"],
                                     outcome.stage, q["detail"])
        if key == "article_id":
            bad_ids = {q["article_id"] for q in quarantined}
            bad = [r for r in rows if r["article_id"] in bad_ids]
            staging.append("source_files", stages.quarantined_file_rows(bad, run_id))
            for r in bad:
                if known_hashes is not None:
                    known_hashes.pop(r["content_hash"], None)
            copies = staging.quarantine_duplicates_of(bad_ids, outcome.stage, run_id)
            if counts is not None and copies:
                counts.update(files_duplicate=-copies, files_quarantined=copies)
    return kept, quarantined


# --------------------------------------------------------------------------- the flow

def _initial_run_name() -> str:
    params = flow_run.parameters or {}
    source = Path(params.get("input_dir") or config.default_input()).name
    target = Path(params.get("warehouse_path") or config.default_warehouse()).name
    return f"akhbar {source} -> {target}"


@contextmanager
def _timed(timings: dict, stage: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def quiet_libraries() -> None:
    for name in ("great_expectations", "py.warnings"):
        logging.getLogger(name).setLevel(logging.ERROR)


@flow(name="akhbar-pipeline", flow_run_name=_initial_run_name, log_prints=True)
def akhbar_pipeline(input_dir: str | None = None, warehouse_path: str | None = None,
                    batch_size: int = DEFAULT_BATCH_SIZE, max_bytes: int = ingest.DEFAULT_MAX_BYTES,
                    lock_timeout_s: float = 600.0) -> dict:
    """Ingest, clean, normalize and extract entities from the articles under `input_dir`."""
    quiet_libraries()
    logger = get_run_logger()
    input_dir = str(Path(input_dir or config.default_input()).resolve())
    wh_path = Path(warehouse_path or config.default_warehouse()).resolve()
    run_id = new_run_id()
    counts: Counter = Counter()
    timings: dict[str, float] = {}
    run_row = {"run_id": run_id, "flow_run_id": str(flow_run.id) if flow_run.id else None,
               "flow_run_name": flow_run.name, "input_dir": input_dir, "started_at": stages.utcnow(),
               "status": "running", "gx_expectations": 0, "gx_failed": 0}
    with warehouse.run_lock(wh_path, holder=f"run {run_id} ({flow_run.name or 'no flow run'})",
                            timeout_s=lock_timeout_s):
        warehouse.remove_stale_files(wh_path)  # left by a run that was killed; we hold the lock
        known = warehouse.read_known_state(wh_path)
        with _timed(timings, "discover"):
            found, todo, unchanged = discover_task(input_dir, known, max_bytes)
        counts.update(files_seen=len(found.files) + len(found.rejected), files_unchanged=len(unchanged),
                      files_changed=sum(1 for f in todo if f.path in known.files),
                      files_new=sum(1 for f in todo if f.path not in known.files))
        if not todo and not found.rejected and warehouse.warehouse_exists(wh_path):
            # Nothing new: no stage has work, the models cannot change; only the run is recorded.
            run_row.update(_counts_columns(counts), status="success", finished_at=stages.utcnow(),
                           stage_seconds=_seconds_json(timings),
                           counts=json.dumps(dict(counts)))
            warehouse.record_run_only(wh_path, run_row)
            summary = _publish_run(wh_path, run_id, run_row, counts, timings, None)
            logger.info("run %s: nothing new (%d files unchanged)", run_id, counts["files_unchanged"])
            return summary
        with _timed(timings, "gates-setup"):
            gates = QualityGates(config.expectations_dir(), config.data_docs_dir(wh_path))
        staging = warehouse.Staging(wh_path.parent / f".staging-{run_id}.duckdb")
        try:
            q_rows, f_rows = stages.rejected_rows(found.rejected, run_id)
            staging.append("quarantine", q_rows)
            staging.append("source_files", f_rows)
            counts.update(files_quarantined=len(found.rejected))
            known_hashes = dict(known.content_hashes)
            entity_ids = set(known.entity_ids)
            with _timed(timings, "dedupe-setup"):
                signatures = warehouse.read_signatures(wh_path)
                story_of = {article_id: story for article_id, story, _ in signatures}
                near_duplicates = dedupe.load_index((a, dedupe.from_blob(sig)) for a, _, sig in signatures)
            # Tasks fill and return only counts: a task's return value stays referenced by the
            # flow run until it ends, so returning the articles would hold every batch in memory.
            for batch_no, files in enumerate(chunks(todo, batch_size)):
                batch = stages.Batch(number=batch_no, files=files)
                with _timed(timings, "ingest"):
                    ingest_task(batch, known_hashes, known, gates, staging, run_id, counts, max_bytes)
                with _timed(timings, "clean"):
                    clean_task(batch, gates, staging, run_id, counts, known_hashes)
                with _timed(timings, "normalize"):
                    normalize_task(batch, gates, staging, run_id, counts, known_hashes, near_duplicates, story_of)
                with _timed(timings, "entities"):
                    entities_task(batch, entity_ids, gates, staging, run_id, counts)
                with _timed(timings, "stage"):
                    stage_articles_task(batch, known.files, staging, run_id, counts)
                del batch
            run_row.update(_counts_columns(counts))
            run_row["gx_expectations"] = staging.count("dq_results")
            run_row["gx_failed"] = int(staging.con.execute(
                "SELECT count(*) FROM dq_results WHERE NOT success").fetchone()[0])
            run_row.update(status="success", finished_at=stages.utcnow(),
                           stage_seconds=_seconds_json(timings),
                           counts=json.dumps(dict(counts)))
            with _timed(timings, "load"):
                load_task(str(wh_path), staging, run_row, gates, run_id, dict(timings))
        except BaseException as err:
            run_row.update(_counts_columns(counts))
            run_row.update(status="failed", finished_at=stages.utcnow(), message=str(err)[:2000],
                           stage_seconds=_seconds_json(timings),
                           counts=json.dumps(dict(counts)))
            dq = staging.frame("SELECT * FROM dq_results").to_dict("records")
            warehouse.record_run_only(wh_path, run_row, dq_rows=dq)
            logger.error("run %s failed: %s", run_id, err)
            raise
        finally:
            staging.close()
        docs_url = gates.build_docs()
    summary = _publish_run(wh_path, run_id, run_row, counts, timings, docs_url)
    logger.info("run %s: %s", run_id, json.dumps(dict(counts)))
    return summary


def _seconds_json(timings: dict[str, float]) -> str:
    return json.dumps({k: round(v, 3) for k, v in timings.items()})


def _counts_columns(counts: Counter) -> dict:
    names = ("files_seen", "files_new", "files_changed", "files_unchanged", "files_duplicate", "files_quarantined",
             "articles_loaded", "articles_quarantined", "articles_near_duplicate", "mentions_loaded", "entities_new",
             "removed_lines")
    return {n: int(counts.get(n, 0)) for n in names}


# --------------------------------------------------------------------------- what the UI shows

def _publish_run(wh_path: Path, run_id: str, run_row: dict, counts: Counter, timings: dict, docs_url) -> dict:
    with warehouse.connect(wh_path, read_only=True) as con:
        top = con.execute(
            "SELECT canonical_name, entity_type, name_en, article_count, mention_count FROM entity_summary "
            "ORDER BY article_count DESC, mention_count DESC LIMIT 20").df()
        first_seen = con.execute(
            "SELECT s.canonical_name, s.entity_type, s.name_en, s.article_count, s.mention_count "
            "FROM entities e JOIN entity_summary s USING (entity_id) WHERE e.first_run_id = ? "
            "ORDER BY s.article_count DESC, s.mention_count DESC LIMIT 50", [run_id]).df()
        quarantined = con.execute(
            "SELECT source_path, stage, reason, detail FROM quarantine WHERE run_id = ? ORDER BY source_path",
            [run_id]).fetchall()
        dq = con.execute(
            "SELECT stage, suite, count(*) AS n, count(*) FILTER (WHERE NOT success) AS failed, "
            "list(DISTINCT expectation || coalesce('(' || column_name || ')', '')) FILTER (WHERE NOT success) "
            "FROM dq_results WHERE run_id = ? GROUP BY ALL ORDER BY stage, suite", [run_id]).fetchall()
    md = [f"# akhbar run `{run_id}`", "", f"Input: `{run_row['input_dir']}`  ", f"Warehouse: `{wh_path}`", "",
          "## Counts", "", "| what | count |", "|---|---|"]
    md += [f"| {k} | {v} |" for k, v in _counts_columns(counts).items()]
    md += ["", "## Stage timings (s)", "", "| stage | seconds |", "|---|---|"]
    md += [f"| {k} | {v:.2f} |" for k, v in timings.items()]
    md += ["", "## Great Expectations", "", "| stage | suite | expectations | failed | failing |", "|---|---|---|---|---|"]
    md += [f"| {s} | {su} | {n} | {f} | {', '.join(x or [])} |" for s, su, n, f, x in dq]
    md += ["", f"Data Docs: {docs_url or '(not built)'}", "", f"## Quarantined this run ({len(quarantined)})", ""]
    if quarantined:
        md += ["| file | stage | reason | detail |", "|---|---|---|---|"]
        md += [f"| {Path(p).name if p else ''} | {s} | {r} | {str(d).replace('|', '/')[:200]} |" for p, s, r, d in quarantined]
    else:
        md.append("None.")
    create_markdown_artifact(key="akhbar-run-summary", markdown="\n".join(md), description=f"akhbar run {run_id}")
    create_table_artifact(key="akhbar-top-entities", table=top.to_dict(orient="records"),
                          description="Top entities by number of articles")
    create_table_artifact(key="akhbar-new-entities", table=first_seen.to_dict(orient="records"),
                          description=f"Entities first seen in run {run_id}")
    _rename_flow_run(counts, run_row["input_dir"])
    return {"run_id": run_id, **_counts_columns(counts), "data_docs": docs_url}


def _rename_flow_run(counts: Counter, input_dir: str) -> None:
    """After the run the name can say what happened, which the UI list then shows."""
    if not flow_run.id:
        return
    name = (f"akhbar {Path(input_dir).name}: +{counts.get('articles_loaded', 0)} articles, "
            f"{counts.get('files_unchanged', 0)} unchanged, {counts.get('files_quarantined', 0)} quarantined")
    try:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            client.update_flow_run(flow_run.id, name=name)
    except Exception as err:  # the name is cosmetic: never fail a loaded run over it
        get_run_logger().warning("could not rename the flow run: %s", err)


# --------------------------------------------------------------------------- schedules

DEPLOYMENT_NAME = "scheduled"


def build_deployment(cron: str | None = None, interval: float | None = None, input_dir: str | None = None,
                     warehouse_path: str | None = None, name: str = DEPLOYMENT_NAME):
    """The deployment `akhbar serve` runs: a schedule that carries its own parameters."""
    if bool(cron) == bool(interval):
        raise ValueError("give exactly one of a cron expression or an interval in seconds")
    parameters = {"input_dir": str(Path(input_dir or config.default_input()).resolve()),
                  "warehouse_path": str(Path(warehouse_path or config.default_warehouse()).resolve())}
    return akhbar_pipeline.to_deployment(
        name=name, cron=cron, interval=interval, parameters=parameters, tags=["akhbar"],
        description=f"akhbar every {cron or f'{interval:g}s'}: {parameters['input_dir']} -> {parameters['warehouse_path']}")


def serve_deployment(deployment) -> None:
    """Blocks: registers the deployment and runs its scheduled and manual runs, one at a time."""
    from prefect import serve

    serve(deployment, limit=1)
