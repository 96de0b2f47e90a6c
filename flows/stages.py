"""The per-batch work of each stage, as plain functions over rows.

An article travels through the stages as a dict whose keys are columns of
the `articles` table; each stage adds its columns. `pipeline.py` wraps these
functions in Prefect tasks; tests call them directly.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from flows import clean, entities, normalize
from flows.ingest import Duplicate, RawArticle, Rejected
from flows.quality import GateOutcome


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


@dataclass
class StageRows:
    """What one batch adds to each table (and to the run's counters)."""

    articles: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    entities: list[dict] = field(default_factory=list)
    clean_removed: list[dict] = field(default_factory=list)
    source_files: list[dict] = field(default_factory=list)
    quarantine: list[dict] = field(default_factory=list)
    dq_results: list[dict] = field(default_factory=list)


# --------------------------------------------------------------------------- ingest

def quarantine_row(source_path: str | None, stage: str, reason: str, detail: str, run_id: str,
                   article_id: str | None = None, expectation: str | None = None) -> dict:
    return {"source_path": source_path, "article_id": article_id, "stage": stage, "reason": reason,
            "detail": detail, "expectation": expectation, "run_id": run_id, "at": utcnow()}


def source_file_row(path: str, size, mtime, content_hash, article_id, status: str, run_id: str,
                    first_run_id: str | None = None) -> dict:
    return {"source_path": path, "size": size, "mtime": mtime, "content_hash": content_hash,
            "article_id": article_id, "status": status, "first_run_id": first_run_id or run_id,
            "last_run_id": run_id}


def rejected_rows(rejected: list[Rejected], run_id: str) -> tuple[list[dict], list[dict]]:
    """Quarantine rows and source_files rows for files that are not articles."""
    quarantine = [quarantine_row(r.source_path, r.stage, r.reason, r.detail, run_id) for r in rejected]
    files = [source_file_row(r.source_path, r.size, r.mtime, r.content_hash, None, "quarantined", run_id)
             for r in rejected if r.size is not None]
    return quarantine, files


def duplicate_rows(duplicates: list[Duplicate], run_id: str) -> list[dict]:
    return [source_file_row(d.source_path, d.size, d.mtime, d.content_hash, d.duplicate_of, "duplicate", run_id)
            for d in duplicates]


def article_rows(raw: list[RawArticle], run_id: str) -> list[dict]:
    now = utcnow()
    rows = []
    for r in raw:
        meta = r.metadata
        rows.append({
            "article_id": r.article_id, "source_path": r.source_path, "input_format": r.input_format,
            "encoding": r.encoding, "body_raw": r.text, "content_hash": r.content_hash, "n_bytes": r.n_bytes,
            "arabic_ratio": r.arabic_ratio, "ingested_at": now, "run_id": run_id,
            "url": meta.get("url"), "published_at": meta.get("published_at"), "category": meta.get("category"),
            "author": meta.get("author"), "source_name": meta.get("source_name"),
            "title": meta.get("title"),
            "_size": r.size, "_mtime": r.mtime,
        })
    return rows


def ingest_frame(articles: list[dict]) -> pd.DataFrame:
    return pd.DataFrame({
        "article_id": [a["article_id"] for a in articles],
        "source_path": [a["source_path"] for a in articles],
        "content_hash": [a["content_hash"] for a in articles],
        "encoding": [a["encoding"] for a in articles],
        "n_chars": [len(a["body_raw"]) for a in articles],
        "arabic_ratio": [a["arabic_ratio"] for a in articles],
    })


# --------------------------------------------------------------------------- clean

def clean_articles(articles: list[dict], run_id: str) -> list[dict]:
    """Adds title, byline, dateline, source_name, body_clean; returns clean_removed rows."""
    removed_rows = []
    for a in articles:
        result = clean.clean_article(a["body_raw"], title_hint=a.get("title"))
        a["title"] = result.title
        a["byline"] = result.byline or a.get("author")
        a["dateline"] = result.dateline
        # The input's own metadata (a feed's source field) outranks a guess from the text.
        a["source_name"] = a.get("source_name") or result.source_name
        a["body_clean"] = result.body_clean
        a["n_chars"] = len(result.body_clean)
        a["_n_removed"] = len(result.removed)
        removed_rows.extend(
            {"article_id": a["article_id"], "line_no": r.line_no, "reason": r.reason, "text": r.text, "run_id": run_id}
            for r in result.removed
        )
    return removed_rows


def clean_frame(articles: list[dict]) -> pd.DataFrame:
    return pd.DataFrame({
        "article_id": [a["article_id"] for a in articles],
        "title": [a["title"] for a in articles],
        "body_clean": [a["body_clean"] or None for a in articles],
        "kept_ratio": [len(a["body_clean"]) / max(len(a["body_raw"]), 1) for a in articles],
    })


# --------------------------------------------------------------------------- normalize

def normalize_articles(articles: list[dict]) -> None:
    for a in articles:
        a["body_norm"] = normalize.normalize(a["body_clean"])


def normalize_frame(articles: list[dict]) -> pd.DataFrame:
    return pd.DataFrame({"article_id": [a["article_id"] for a in articles],
                         "body_norm": [a["body_norm"] for a in articles]})


# --------------------------------------------------------------------------- entities

def extract_entities(articles: list[dict], run_id: str) -> tuple[list[dict], dict[str, dict]]:
    """Mention rows for the batch and the entities they point to (entity_id -> row)."""
    catalogue = {e.entity_id: e for e in entities.known_entities()}
    mention_rows: list[dict] = []
    entity_rows: dict[str, dict] = {}
    for a in articles:
        for m in entities.extract_mentions(a["body_clean"]):
            mention_rows.append({
                "mention_key": f"{a['article_id']}:{m.start}:{m.end}",
                "article_id": a["article_id"], "entity_id": m.entity_id, "surface": m.surface,
                "char_start": m.start, "char_end": m.end, "entity_type": m.entity_type, "method": m.method,
                "mention_kind": m.mention_kind, "run_id": run_id,
            })
            if m.entity_id not in entity_rows:
                known = catalogue.get(m.entity_id)
                entity_rows[m.entity_id] = {
                    "entity_id": m.entity_id,
                    "canonical_name": known.canonical_name if known else m.canonical,
                    "entity_type": known.entity_type if known else m.entity_type,
                    "name_en": known.name_en if known else None,
                    "subtype": known.subtype if known else None,
                    "source": known.source if known else m.method,
                    "first_run_id": run_id,
                }
    return mention_rows, entity_rows


def mentions_frame(mentions: list[dict], articles: list[dict], entity_rows: dict[str, dict]) -> pd.DataFrame:
    bodies = {a["article_id"]: a["body_clean"] for a in articles}
    return pd.DataFrame({
        "mention_key": [m["mention_key"] for m in mentions],
        "article_id": [m["article_id"] for m in mentions],
        "entity_id": [m["entity_id"] for m in mentions],
        "entity_type": [m["entity_type"] for m in mentions],
        "mention_kind": [m["mention_kind"] for m in mentions],
        "char_start": [m["char_start"] for m in mentions],
        "char_end": [m["char_end"] for m in mentions],
        "surface": [m["surface"] for m in mentions],
        "span_matches": [bodies[m["article_id"]][m["char_start"]:m["char_end"]] == m["surface"] for m in mentions],
        "entity_known": [m["entity_id"] in entity_rows for m in mentions],
    })


# --------------------------------------------------------------------------- gates

def split_by_outcome(rows: list[dict], key: str, outcome: GateOutcome, run_id: str) -> tuple[list[dict], list[dict]]:
    """Rows that passed, and quarantine rows for those that failed row-level expectations."""
    if not outcome.bad_rows:
        return rows, []
    kept, quarantined = [], []
    for row in rows:
        failed = outcome.bad_rows.get(str(row[key]))
        if failed is None:
            kept.append(row)
            continue
        detail = f"failed {len(failed)} expectation(s) of suite '{outcome.suite}': " + "; ".join(failed)
        quarantined.append(quarantine_row(row.get("source_path"), outcome.stage, "failed expectation", detail,
                                          run_id, article_id=row.get("article_id"), expectation=failed[0]))
    return kept, quarantined


def loaded_file_rows(articles: list[dict], run_id: str) -> list[dict]:
    return [source_file_row(a["source_path"], a["_size"], a["_mtime"], a["content_hash"], a["article_id"],
                            "loaded", run_id) for a in articles]


def quarantined_file_rows(articles: list[dict], run_id: str) -> list[dict]:
    return [source_file_row(a["source_path"], a["_size"], a["_mtime"], a["content_hash"], None,
                            "quarantined", run_id) for a in articles]
