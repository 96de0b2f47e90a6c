"""The per-batch work of each stage, as plain functions over rows.

An article travels through the stages as a dict whose keys are columns of
the `articles` table; each stage adds its columns. `pipeline.py` wraps these
functions in Prefect tasks; tests call them directly.

One article never stops a run: the stage functions take a `failed` list,
and an article whose work raises leaves the batch with a quarantine row
(stage, the exception and where in akhbar it was raised) instead.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from flows import clean, config, dedupe, ner, normalize
from flows.discover import Rejected, SourceFile
from flows.ingest import Duplicate, FileRead, ItemStream, RawArticle, describe_error


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


@dataclass
class Batch:
    """One batch of items and, stage after stage, the articles still in the run."""

    number: int
    files: list = field(default_factory=list)  # FileRead of the files whose last item is in this batch
    raw: list[RawArticle] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    articles: list[dict] = field(default_factory=list)

    def release(self) -> None:
        """Let go of the rows once the batch is staged. Prefect 3.8 keeps a task's parameters
        referenced from its run context for a while after the task ends (measured: a flow of three
        tasks held the argument of each), so a finished batch empties itself rather than trust
        going out of scope to free a thousand articles and their mentions."""
        self.files, self.raw, self.rejected, self.duplicates, self.articles = [], [], [], [], []


class Batcher:
    """Cuts the run's stream of items into batches of at most `max_articles` articles and
    about `max_chars` characters of text, so memory stays flat whatever the files hold."""

    def __init__(self, stream: ItemStream, max_articles: int, max_chars: int):
        self.stream = stream
        self._items = iter(stream)
        self.max_articles = max(1, max_articles)
        self.max_chars = max_chars
        self.exhausted = False

    def next_batch(self, number: int) -> Batch | None:
        batch, chars = Batch(number), 0
        while len(batch.raw) < self.max_articles and chars < self.max_chars:
            item = next(self._items, None)
            if item is None:
                self.exhausted = True
                break
            if isinstance(item, RawArticle):
                batch.raw.append(item)
                chars += len(item.text)
            elif isinstance(item, Duplicate):
                batch.duplicates.append(item)
            elif isinstance(item, Rejected):
                batch.rejected.append(item)
            else:
                batch.files.append(item)
        if self.exhausted and not (batch.raw or batch.duplicates or batch.rejected or batch.files):
            return None
        return batch


# --------------------------------------------------------------------------- rows

def quarantine_row(source_path: str | None, stage: str, reason: str, detail: str, run_id: str,
                   article_id: str | None = None, expectation: str | None = None,
                   file_path: str | None = None) -> dict:
    return {"source_path": source_path, "file_path": file_path or source_path, "article_id": article_id,
            "stage": stage, "reason": reason, "detail": detail, "expectation": expectation, "run_id": run_id,
            "at": utcnow()}


def error_row(article: dict, stage: str, err: BaseException, run_id: str) -> dict:
    """The quarantine row of an article whose `stage` raised: a bug meeting this input."""
    return quarantine_row(article.get("source_path"), stage, "internal error", describe_error(err), run_id,
                          article_id=article.get("article_id"), file_path=article.get("_file"))


def source_file_row(path: str, size, mtime, file_hash, status: str, run_id: str, *, fingerprint: str | None = None,
                    reason: str | None = None, records: int | None = None, transient: bool = False,
                    article_id: str | None = None, deleted_at: dt.datetime | None = None) -> dict:
    return {"source_path": path, "size": size, "mtime": mtime, "content_hash": file_hash, "article_id": article_id,
            "status": status, "first_run_id": run_id, "last_run_id": run_id, "reason": reason,
            "fingerprint": fingerprint, "records": records, "records_quarantined": 0, "transient": transient,
            "deleted_at": deleted_at}


def rejected_rows(rejected: list[Rejected], run_id: str) -> list[dict]:
    return [quarantine_row(r.source_path, r.stage, r.reason, r.detail, run_id, file_path=r.file_path)
            for r in rejected]


def refused_file_rows(rejected: list[Rejected], run_id: str, fingerprint_for: Callable[[str], str],
                      file_hash: str | None = None) -> list[dict]:
    """source_files rows for files refused whole (at discovery, when reading, or as a whole when parsed)."""
    return [source_file_row(r.file_path, r.size, r.mtime, file_hash, "quarantined", run_id,
                            fingerprint=fingerprint_for(r.file_path), reason=r.reason, transient=r.transient)
            for r in rejected if r.file_path == r.source_path]


def file_read_rows(reads: list[FileRead], known_files: dict, run_id: str, fingerprint_for: Callable[[str], str]
                   ) -> tuple[list[dict], list[dict]]:
    """source_files rows for the files read, and the touched_files rows of those whose items were re-read."""
    files, touched = [], []
    for r in reads:
        f = r.file
        if r.refused is not None:
            files += refused_file_rows([r.refused], run_id, fingerprint_for, r.file_hash)
            if r.file_hash is not None:  # read, but not an article: whatever it held before is gone
                touched.append({"file_path": f.path, "action": "reread"})
        elif r.unchanged:  # only touched: same status and verdicts, new mtime
            prev = known_files[f.path]
            row = source_file_row(f.path, f.size, f.mtime, r.file_hash, prev.status, run_id,
                                  fingerprint=prev.fingerprint, reason=prev.reason, article_id=prev.article_id)
            row["records_quarantined"] = prev.records_quarantined
            files.append(row)
        else:
            files.append(source_file_row(f.path, f.size, f.mtime, r.file_hash, "loaded", run_id,
                                         fingerprint=fingerprint_for(f.path), records=r.n_items))
            touched.append({"file_path": f.path, "action": "reread"})
    return files, touched


def deleted_file_rows(paths: list[str], run_id: str) -> tuple[list[dict], list[dict]]:
    now = utcnow()
    files = [source_file_row(p, None, None, None, "deleted", run_id, deleted_at=now) for p in paths]
    return files, [{"file_path": p, "action": "deleted"} for p in paths]


def item_rows(items: list, run_id: str) -> list[dict]:
    """source_items rows: which item of which file holds which article (Duplicate or loaded article dict)."""
    rows = []
    for item in items:
        if isinstance(item, Duplicate):
            rows.append({"source_path": item.source_path, "file_path": item.file_path,
                         "article_id": item.duplicate_of, "run_id": run_id})
        else:
            rows.append({"source_path": item["source_path"], "file_path": item["_file"],
                         "article_id": item["article_id"], "run_id": run_id})
    return rows


def article_rows(raw: list[RawArticle], run_id: str) -> list[dict]:
    now = utcnow()
    rows = []
    for r in raw:
        meta = r.metadata
        rows.append({
            "article_id": r.article_id, "source_path": r.source_path, "input_format": r.input_format,
            "encoding": r.encoding, "body_raw": r.text, "content_hash": r.content_hash, "n_bytes": r.n_bytes,
            "arabic_ratio": r.arabic_ratio, "ingested_at": now, "run_id": run_id,
            "url": meta.get("url"), "published_at": meta.get("published_at"), "crawled_at": meta.get("crawled_at"),
            "category": meta.get("category"), "author": meta.get("author"), "source_name": meta.get("source_name"),
            "title": meta.get("title"), "repairs": r.repairs,
            "_file": r.file_path,
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


def _each(articles: list[dict], stage: str, run_id: str, failed: list[dict] | None, work) -> list[dict]:
    """Apply `work` to each article; with `failed`, an article whose work raises is quarantined, not fatal."""
    kept = []
    for a in articles:
        if failed is None:
            work(a)
        else:
            try:
                work(a)
            except Exception as err:  # a bug meeting this input: the article leaves the run, the run goes on
                failed.append(error_row(a, stage, err, run_id))
                continue
        kept.append(a)
    return kept


# --------------------------------------------------------------------------- clean

def clean_one(a: dict, run_id: str) -> list[dict]:
    """Adds title, byline, dateline, source_name, body_clean; returns the article's clean_removed rows."""
    result = clean.clean_article(a["body_raw"], title_hint=a.get("title"))
    a["title"] = result.title
    a["_title_is_text"] = bool(result.title) and not result.title_from_body
    a["byline"] = result.byline or a.get("author")
    a["dateline"] = result.dateline
    # The input's own metadata (a feed's source field) outranks a guess from the text.
    a["source_name"] = a.get("source_name") or result.source_name
    a["body_clean"] = result.body_clean
    a["n_chars"] = len(result.body_clean)
    return [{"article_id": a["article_id"], "line_no": r.line_no, "reason": r.reason, "text": r.text,
             "run_id": run_id} for r in result.removed]


def clean_articles(articles: list[dict], run_id: str, failed: list[dict] | None = None) -> list[dict]:
    """Cleans every article in place; returns the clean_removed rows. Articles that fail go to `failed`
    (and are removed from `articles`)."""
    removed_rows: list[dict] = []
    articles[:] = _each(articles, "clean", run_id, failed, lambda a: removed_rows.extend(clean_one(a, run_id)))
    return removed_rows


def clean_frame(articles: list[dict]) -> pd.DataFrame:
    return pd.DataFrame({
        "article_id": [a["article_id"] for a in articles],
        "title": [a["title"] for a in articles],
        "body_clean": [a["body_clean"] or None for a in articles],
        "kept_ratio": [len(a["body_clean"]) / max(len(a["body_raw"]), 1) for a in articles],
    })


# --------------------------------------------------------------------------- normalize

def normalize_articles(articles: list[dict], run_id: str = "", failed: list[dict] | None = None) -> None:
    def work(a):
        a["body_norm"] = normalize.normalize(a["body_clean"])

    articles[:] = _each(articles, "normalize", run_id, failed, work)


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

# Which article column a mention's offsets point into.
FIELD_COLUMN = {"body": "body_clean", "title": "title"}


def _fields_to_read(a: dict) -> list[str]:
    """The body, and the title when it is text of its own (a title the cleaner made from the body's
    first sentence would count that sentence's names twice)."""
    return ["body", "title"] if a.get("_title_is_text", bool(a.get("title"))) else ["body"]


def extract_entities(articles: list[dict], run_id: str, extract=None, failed: list[dict] | None = None
                     ) -> tuple[list[dict], dict[str, dict]]:
    """Mention rows for the batch, from each article's body and title, and the entities they point
    to (entity_id -> row). A row's `field` says which text its offsets point into.

    `extract` (text -> mentions) defaults to the precise extractor of `flows.ner`:
    every gazetteer mention plus the names the gazetteer does not know that its rules accept
    (ids `<type>:auto:<fold>`). An auto entity's canonical name is its most frequent full
    name in the batch (the first one on a tie): a bare surname never names it. With `failed`,
    an article whose extraction raises is quarantined and removed from `articles`.
    """
    extract = extract or ner.extract_precise
    catalogue = {e.entity_id: e for e in ner.known_entities()}
    found: dict[str, list] = {}

    def work(a):
        pairs = [(part, m) for part in _fields_to_read(a) for m in extract(a.get(FIELD_COLUMN[part]) or "")]
        # a generic body (وزارة الصحة) is the body of the country the article makes clear
        scoped = ner.scope_generic_bodies([m for _, m in pairs])
        found[a["article_id"]] = [(part, m) for (part, _), m in zip(pairs, scoped)]

    articles[:] = _each(articles, "entities", run_id, failed, work)
    mention_rows: list[dict] = []
    entity_rows: dict[str, dict] = {}
    auto_names: dict[str, Counter] = {}
    for a in articles:
        for part, m in found[a["article_id"]]:
            mention_rows.append({
                "mention_key": f"{a['article_id']}:{m.start}:{m.end}" + (":title" if part == "title" else ""),
                "article_id": a["article_id"], "entity_id": m.entity_id, "surface": m.surface,
                "char_start": m.start, "char_end": m.end, "entity_type": m.entity_type, "method": m.method,
                "mention_kind": m.mention_kind, "run_id": run_id, "field": part,
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
    texts = {(a["article_id"], part): a.get(FIELD_COLUMN[part]) or "" for a in articles for part in FIELD_COLUMN}
    return pd.DataFrame({
        "mention_key": [m["mention_key"] for m in mentions],
        "article_id": [m["article_id"] for m in mentions],
        "entity_id": [m["entity_id"] for m in mentions],
        "entity_type": [m["entity_type"] for m in mentions],
        "mention_kind": [m["mention_kind"] for m in mentions],
        "char_start": [m["char_start"] for m in mentions],
        "char_end": [m["char_end"] for m in mentions],
        "surface": [m["surface"] for m in mentions],
        "span_matches": [texts[(m["article_id"], m.get("field", "body"))][m["char_start"]:m["char_end"]] == m["surface"]
                         for m in mentions],
        "entity_known": [m["entity_id"] in entity_rows for m in mentions],
    })


# --------------------------------------------------------------------------- storable text

def unstorable_field(row: dict) -> str | None:
    """The first text field DuckDB would refuse (not valid Unicode), or None.

    Ingest repairs what it can; this is the last check before staging, because
    a string DuckDB refuses breaks its connection for the whole run.
    """
    for key, value in row.items():
        if isinstance(value, str) and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return key
    return None


# --------------------------------------------------------------------------- gates

def split_by_outcome(rows: list[dict], key: str, failing: dict[str, list[str]], stage: str, suite: str,
                     run_id: str, reason: str = "failed expectation") -> tuple[list[dict], list[dict]]:
    """Rows that passed, and quarantine rows for those in `failing` (row id -> failed expectations)."""
    if not failing:
        return rows, []
    kept, quarantined = [], []
    for row in rows:
        failed = failing.get(str(row[key]))
        if failed is None:
            kept.append(row)
            continue
        detail = f"failed {len(failed)} expectation(s) of suite '{suite}': " + "; ".join(failed)
        if reason == "broken invariant":
            detail += " (akhbar's own invariant: a bug this input meets; please report it)"
        quarantined.append(quarantine_row(row.get("source_path"), stage, reason, detail, run_id,
                                          article_id=row.get("article_id"), expectation=failed[0],
                                          file_path=row.get("_file")))
    return kept, quarantined


def canary_frames() -> dict[str, pd.DataFrame]:
    """Each stage's gate frame for a known-good article (the first seed), made by the code as it is now.

    When a "fail" expectation fails on some inputs, this tells a bug every
    article meets (the canary fails too: stop the run) from a bug only these
    inputs meet (quarantine them, go on).
    """
    from flows import ingest

    path = config.canary_article()
    data = path.read_bytes()
    st = path.stat()
    raw = [r for r in ingest.parse_file(SourceFile(str(path), st.st_size, st.st_mtime), data)
           if isinstance(r, RawArticle)]
    rows = article_rows(raw, "canary")
    frames = {"ingest": ingest_frame(rows)}
    clean_articles(rows, "canary")
    frames["clean"] = clean_frame(rows)
    normalize_articles(rows)
    frames["normalize"] = normalize_frame(rows)
    mentions, entity_rows = extract_entities(rows, "canary")
    frames["entities"] = mentions_frame(mentions, rows, entity_rows)
    return frames
