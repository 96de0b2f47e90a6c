"""The per-batch work of each stage, as plain functions over rows.

An article travels through the stages as a dict whose keys are columns of
the `articles` table; each stage adds its columns. `pipeline.py` wraps these
functions in Prefect tasks; tests call them directly.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from flows import clean, dedupe, entities, ner_combined, normalize
from flows.ingest import Duplicate, RawArticle, Rejected
from flows.quality import GateOutcome


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


@dataclass
class Batch:
    """The files of one batch and, stage after stage, the articles still in the run."""

    number: int
    files: list
    articles: list[dict] = field(default_factory=list)


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


def rejected_rows(rejected: list[Rejected], run_id: str, file_hashes: dict[str, str] | None = None
                  ) -> tuple[list[dict], list[dict]]:
    """Quarantine rows and source_files rows for inputs that are not articles."""
    file_hashes = file_hashes or {}
    quarantine = [quarantine_row(r.source_path, r.stage, r.reason, r.detail, run_id) for r in rejected]
    files = [source_file_row(r.file_path, r.size, r.mtime, file_hashes.get(r.file_path), None, "quarantined", run_id)
             for r in rejected]
    return quarantine, files


def duplicate_rows(duplicates: list[Duplicate], file_hashes: dict[str, str], run_id: str) -> list[dict]:
    return [source_file_row(d.file_path, d.size, d.mtime, file_hashes.get(d.file_path),
                            d.duplicate_of if d.file_path == d.source_path else None, "duplicate", run_id)
            for d in duplicates]


def unchanged_file_rows(files: list, known_files: dict[str, tuple], run_id: str) -> list[dict]:
    """Files whose mtime changed but whose bytes did not: same status, new mtime, nothing re-read."""
    return [source_file_row(f.path, f.size, f.mtime, known_files[f.path][2], known_files[f.path][4],
                            known_files[f.path][3], run_id) for f in files]


def article_rows(raw: list[RawArticle], file_hashes: dict[str, str], run_id: str) -> list[dict]:
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
            "_file": r.file_path, "_file_hash": file_hashes.get(r.file_path), "_size": r.size, "_mtime": r.mtime,
        })
    return rows


def supersede_rows(articles: list[dict], known_files: dict[str, tuple], run_id: str) -> list[dict]:
    """A one-article file whose content changed: its new article supersedes the one it held before.

    The old version is kept (queryable, with `superseded_by` set) but the SQL
    models count only current articles. Records of multi-record files (JSONL,
    TREC) are not versioned: a changed record is a new article.
    """
    rows = []
    for a in articles:
        previous = known_files.get(a["source_path"])
        old_id = previous[4] if previous else None
        if old_id and old_id != a["article_id"]:
            rows.append({"article_id": old_id, "superseded_by": a["article_id"], "run_id": run_id})
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


def mark_near_duplicates(articles: list[dict], index, story_of: dict[str, str]) -> list[dict]:
    """Link each syndicated copy to the story it copies; return the signatures to store.

    `duplicate_of` points at the first article of the story (never at another
    copy), so `coalesce(duplicate_of, article_id)` identifies a story.
    """
    rows = []
    for a in articles:
        signature = index.signature(a["body_norm"])
        match = index.find(signature)
        a["duplicate_of"] = story_of.get(match, match) if match else None
        index.add(a["article_id"], signature)
        story_of[a["article_id"]] = a["duplicate_of"] or a["article_id"]
        rows.append({"article_id": a["article_id"], "minhash": dedupe.to_blob(signature)})
    return rows


# --------------------------------------------------------------------------- entities

def extract_entities(articles: list[dict], run_id: str, extract=None) -> tuple[list[dict], dict[str, dict]]:
    """Mention rows for the batch and the entities they point to (entity_id -> row).

    `extract` (text -> mentions) defaults to the precise extractor of `flows.ner_combined`:
    every gazetteer mention plus the names the gazetteer does not know that its rules accept
    (ids `<type>:auto:<fold>`). An auto entity's canonical name is its most frequent full
    name in the batch (the first one on a tie): a bare surname never names it.
    """
    extract = extract or ner_combined.extract_precise
    catalogue = {e.entity_id: e for e in entities.known_entities()}
    mention_rows: list[dict] = []
    entity_rows: dict[str, dict] = {}
    auto_names: dict[str, Counter] = {}
    for a in articles:
        for m in extract(a["body_clean"]):
            mention_rows.append({
                "mention_key": f"{a['article_id']}:{m.start}:{m.end}",
                "article_id": a["article_id"], "entity_id": m.entity_id, "surface": m.surface,
                "char_start": m.start, "char_end": m.end, "entity_type": m.entity_type, "method": m.method,
                "mention_kind": m.mention_kind, "run_id": run_id,
            })
            known = catalogue.get(m.entity_id)
            if known is None:
                auto_names.setdefault(m.entity_id, Counter())[m.canonical] += 1
            if m.entity_id not in entity_rows:
                entity_rows[m.entity_id] = {
                    "entity_id": m.entity_id,
                    "canonical_name": known.canonical_name if known else m.canonical,
                    "entity_type": known.entity_type if known else m.entity_type,
                    "name_en": known.name_en if known else None,
                    "subtype": known.subtype if known else None,
                    "source": known.source if known else m.method,
                    "first_run_id": run_id,
                }
    for entity_id, names in auto_names.items():
        entity_rows[entity_id]["canonical_name"] = names.most_common(1)[0][0]
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
    return [source_file_row(a["_file"], a["_size"], a["_mtime"], a["_file_hash"],
                            a["article_id"] if a["_file"] == a["source_path"] else None, "loaded", run_id)
            for a in articles]


def quarantined_file_rows(articles: list[dict], run_id: str) -> list[dict]:
    return [source_file_row(a["_file"], a["_size"], a["_mtime"], a["_file_hash"], None, "quarantined", run_id)
            for a in articles]
