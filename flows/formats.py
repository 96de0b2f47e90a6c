"""Input formats: one adapter per format, each turning a file into records.

Pure functions. `flows.ingest` reads the bytes, undoes gzip (`gunzip`),
decodes them (`ingest.decode_bytes`) and hands the text to `parse_text`,
which picks the adapter by content first, then by extension:

| format | detected by | records |
|---|---|---|
| trec  | starts with `<DOC>` (after BOM/whitespace), any extension (ANT uses .txt) | one per `<DOC>` |
| jsonl | `.jsonl`/`.ndjson`; or a `.json`/`.txt` whose every line is an object | one per non-blank line (N = line number) |
| json  | `.json`; or a `.txt` that parses whole as a JSON object/list | one object, or one per list item |
| html  | `.html`/`.htm`; or starts with `<!DOCTYPE html` / `<html` | one (trafilatura, tag-stripping fallback) |
| txt   | everything else | one, no metadata (the clean stage finds the title) |

Each record is a `Record` (body text + metadata) or a `BadRecord` (reason
for a person). Metadata keys: title, url, published_at (naive UTC datetime),
source_name, category, author; absent keys mean "the input did not say".

TREC abstracts: ANT's <ABSTRACT> is either the first ~200 characters of
<TEXT> cut off (Al Arabiya, Sky News: dropped, it adds nothing) or an
editor's standfirst not repeated in the text (BBC: prepended to the body as
its first paragraph, so the summary sentence is not lost). The abstract
also goes to metadata["abstract"].
"""
from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import html as html_lib
import io
import json
import re
import zlib
from dataclasses import dataclass, field

GZIP_MAGIC = b"\x1f\x8b"


class FormatError(ValueError):
    """A whole file that cannot be read in its format; the message is for a person."""


@dataclass(frozen=True)
class Record:
    text: str
    metadata: dict = field(default_factory=dict)
    record_no: int | None = None  # 1-based (JSONL: the line number); None when the file is one article


@dataclass(frozen=True)
class BadRecord:
    reason: str
    detail: str
    record_no: int | None = None


@dataclass(frozen=True)
class Parsed:
    input_format: str  # txt, json, jsonl, trec, html, "html (tag-stripped fallback)"
    records: list  # Record | BadRecord, in file order


# --------------------------------------------------------------------------- field names

FIELDS = {  # metadata key -> accepted field names, first found wins (compared lower-cased, '-' as '_')
    "title": ("title", "headline"),
    "url": ("url", "link", "permalink"),
    "published_at": ("date", "published_at", "published", "pubdate", "datetime", "published_time",
                     "publish_date", "date_published", "datepublished", "pub_date", "publication_date",
                     "date_publish", "publishedat"),
    # When the page was fetched: not the publication time, kept apart so nobody takes one for the other.
    "crawled_at": ("date_extracted", "crawled_at", "scraped_at", "fetched_at", "date_download", "date_crawled",
                   "retrieved_at", "downloaded_at"),
    "author": ("author", "byline", "authors"),
    "source_name": ("source", "source_name", "site", "publisher", "outlet", "source_domain"),
    "category": ("category", "section"),
}
BODY_FIELDS = ("content", "body", "text", "article", "article_body", "articlebody", "full_text", "fulltext",
               "maintext", "main_text", "story")
DATE_KEYS = ("published_at", "crawled_at")
METADATA_KEYS = ("body", *FIELDS)


@dataclass(frozen=True)
class FieldMap:
    """Where a source keeps each field: user-given names (`--field body=full_text`, a source's
    `.akhbar.toml`) replace the accepted names for that key; `constants` fill keys the records lack
    (a feed with no `source` field: `source_name = "الميادين"`). A name may be a dotted path into
    nested objects (`content.text`)."""

    names: tuple[tuple[str, tuple[str, ...]], ...] = ()
    constants: tuple[tuple[str, str], ...] = ()

    @classmethod
    def build(cls, names: dict[str, str | list[str]] | None = None, constants: dict[str, str] | None = None
              ) -> "FieldMap":
        unknown = sorted(set(names or {}) - set(METADATA_KEYS)) + sorted(set(constants or {}) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown field key(s) {', '.join(unknown)}: the keys are {', '.join(METADATA_KEYS)}")
        named = tuple(sorted((k, (v,) if isinstance(v, str) else tuple(v)) for k, v in (names or {}).items()))
        return cls(named, tuple(sorted((constants or {}).items())))

    def candidates(self, key: str) -> tuple[str, ...]:
        given = dict(self.names).get(key)
        if given is not None:
            return given
        return BODY_FIELDS if key == "body" else FIELDS[key]

    def describe(self) -> str:
        parts = [f"{k}={'|'.join(v)}" for k, v in self.names] + [f"{k}:={v}" for k, v in self.constants]
        return ", ".join(parts) or "default field names"


DEFAULT_FIELDS = FieldMap()


# --------------------------------------------------------------------------- gzip

def is_gzip(name: str, data: bytes) -> bool:
    return name.lower().endswith(".gz") or data[:2] == GZIP_MAGIC


def gunzip(data: bytes, max_bytes: int) -> bytes:
    """Decompress, reading at most `max_bytes` + 1 bytes: a gzip bomb stops there."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as err:
        raise FormatError(f"corrupt gzip: {err}") from err
    if len(out) > max_bytes:
        raise FormatError(f"file too large: decompresses to more than the limit of {max_bytes:,} bytes "
                          f"({len(data):,} bytes compressed)")
    return out


def inner_name(name: str) -> str:
    return name[:-3] if name.lower().endswith(".gz") else name


# --------------------------------------------------------------------------- dates

_PLAIN_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$|^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def _naive_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def parse_date(value) -> dt.datetime | None:
    """RFC 2822, ISO 8601, plain dates (2018-02-18, 18/02/2018) or epoch seconds/ms -> naive UTC; else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if not text:
        return None
    try:
        return _naive_utc(dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00")))
    except ValueError:
        pass
    try:
        return _naive_utc(email.utils.parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        pass
    m = _PLAIN_DATE.match(text)
    if m:
        y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(6), m.group(5), m.group(4))
        try:
            return dt.datetime(int(y), int(mo), int(d))
        except ValueError:
            return None
    return None


# --------------------------------------------------------------------------- detection

_TREC_START = re.compile(r"^[\s\ufeff]*<DOC>", re.I)
_HTML_START = re.compile(r"^[\s\ufeff]*(<!--.*?-->\s*)*(<!DOCTYPE\s+html|<html[\s>])", re.I | re.S)


def detect_format(name: str, text: str) -> str:
    lower = inner_name(name).lower()
    if _TREC_START.match(text):
        return "trec"
    if lower.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".html", ".htm")) or _HTML_START.match(text):
        return "html"
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if head in ("{", "["):  # JSON saved as .txt: only when it really parses
        try:
            _loads(text)
            return "json"
        except (ValueError, FormatError):
            lines = [line for line in text.splitlines() if line.strip()]
            if lines and all(line.lstrip().startswith("{") for line in lines):
                return "jsonl"
    return "txt"


def parse_text(name: str, text: str, fields: FieldMap = DEFAULT_FIELDS) -> Parsed:
    """Records of one decoded file. Raises FormatError when the whole file is unreadable as its format."""
    fmt = detect_format(name, text)
    if fmt == "trec":
        return Parsed("trec", parse_trec(text))
    if fmt == "jsonl":
        return Parsed("jsonl", parse_jsonl(text, fields))
    if fmt == "json":
        return parse_json(text, fields)
    if fmt == "html":
        return parse_html(text)
    return Parsed("txt", [Record(text)])


# --------------------------------------------------------------------------- JSON

_CONTAINER_KEYS = ("articles", "items", "data", "results", "records", "docs", "entries")
_TAGS = re.compile(r"</?(p|div|br|span|h[1-6]|li|ul|ol|a|strong|em|b|i)\b[^>]*>", re.I)


def _scalar(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):  # {"source": {"id": "bbc", "name": "BBC عربي"}}
        value = value.get("name") or value.get("title") or value.get("id")
    if isinstance(value, list):
        value = ", ".join(str(_scalar(v)) for v in value if _scalar(v))
    text = str(value).strip() if value is not None else ""
    return text or None


def _body(value) -> str | None:
    if isinstance(value, list):
        value = "\n".join(str(v) for v in value if isinstance(v, str))
    if not isinstance(value, str) or not value.strip():
        return None
    if _TAGS.search(value):  # an HTML fragment in the field: keep its text, one paragraph a line
        value = strip_tags(value)
    return value


def _lookup(keys: dict, name: str):
    """A field by name, or by a dotted path into nested objects (`content.text`)."""
    name = name.strip().lower().replace("-", "_")
    if name in keys:
        return keys[name]
    value = keys
    for part in name.split("."):
        if not isinstance(value, dict):
            return None
        value = {str(k).strip().lower().replace("-", "_"): v for k, v in value.items()}.get(part)
    return value


def record_from_object(obj, record_no: int | None, fields: FieldMap = DEFAULT_FIELDS) -> Record | BadRecord:
    if not isinstance(obj, dict):
        return BadRecord("not a JSON object", f"record {record_no or 1} is a {type(obj).__name__}, "
                                              f"not an object with article fields", record_no)
    keys = {str(k).strip().lower().replace("-", "_"): v for k, v in obj.items()}
    body_names = fields.candidates("body")
    body = next((b for b in (_body(_lookup(keys, k)) for k in body_names) if b), None)
    if body is None:
        has = ", ".join(sorted(map(str, obj))) or "none"
        where = f"record {record_no}" if record_no else "the object"
        present = [k for k in body_names if _lookup(keys, k) is not None]
        why = (f"its body field {', '.join(present)} is empty" if present else
               f"{where} has no body field (one of {', '.join(body_names)}) with text")
        return BadRecord("no article body", f"{why}; its fields: {has} (map another one with "
                                            f"--field body=NAME)", record_no)
    meta: dict = {}
    for key in FIELDS:
        raw = next((v for v in (_lookup(keys, n) for n in fields.candidates(key)) if v not in (None, "", [])), None)
        if raw is None:
            continue
        meta[key] = parse_date(raw) if key in DATE_KEYS else _scalar(raw)
    for key, value in fields.constants:
        if meta.get(key) is None:
            meta[key] = parse_date(value) if key in DATE_KEYS else value
    return Record(body, {k: v for k, v in meta.items() if v is not None}, record_no)


def _loads(text: str):
    """json.loads that turns a nesting too deep for Python's parser into a JSONDecodeError-like refusal."""
    try:
        return json.loads(text)
    except RecursionError:
        raise FormatError("JSON nested too deeply: thousands of levels of brackets, more than any article feed "
                          "has and more than the parser can follow") from None


def parse_json(text: str, fields: FieldMap = DEFAULT_FIELDS) -> Parsed:
    try:
        data = _loads(text)
    except json.JSONDecodeError as err:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > 1 and all(line.lstrip().startswith("{") for line in lines):
            return Parsed("jsonl", parse_jsonl(text, fields))  # JSON Lines saved as .json
        raise FormatError(f"invalid JSON: {err.msg} at line {err.lineno}, column {err.colno}") from err
    body_names = {n.lower() for n in fields.candidates("body")}
    if isinstance(data, dict) and not any(k.lower() in body_names for k in map(str, data)):
        for key in _CONTAINER_KEYS:  # {"articles": [...]} wrappers
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if isinstance(data, list):
        if not data:
            raise FormatError("empty JSON list: no records")
        return Parsed("json", [record_from_object(obj, i, fields) for i, obj in enumerate(data, 1)])
    return Parsed("json", [record_from_object(data, None, fields)])


def parse_jsonl(text: str, fields: FieldMap = DEFAULT_FIELDS) -> list:
    records: list = []
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = _loads(line)
        except json.JSONDecodeError as err:
            records.append(BadRecord("invalid JSON line", f"invalid JSON on line {line_no}: {err.msg} "
                                                          f"(column {err.colno})", line_no))
            continue
        except FormatError as err:
            records.append(BadRecord("invalid JSON line", f"line {line_no}: {err}", line_no))
            continue
        records.append(record_from_object(obj, line_no, fields))
    if not records:
        raise FormatError("no JSON records: every line is blank")
    return records


# --------------------------------------------------------------------------- TREC <DOC>

TREC_TAGS = ("DOCNO", "URL", "SRC", "CAT", "TITLE", "TIME", "AUTHOR", "ABSTRACT", "TEXT")
_DOC = re.compile(r"<DOC>(.*?)(?:</DOC>|(?=<DOC>)|\Z)", re.S | re.I)
_NEXT_TAG = "|".join(TREC_TAGS)
_FIELD = {t: re.compile(rf"<{t}>(.*?)(?:</{t}>|(?=<(?:{_NEXT_TAG})>)|(?=</DOC>)|\Z)", re.S | re.I)
          for t in TREC_TAGS}
_SPACES = re.compile(r"\s+")


def _trec_field(doc: str, tag: str) -> str | None:
    m = _FIELD[tag].search(doc)
    if not m:
        return None
    value = m.group(1).strip()
    if "&" in value:
        value = html_lib.unescape(value)
    return value or None


def _flat(text: str) -> str:
    return _SPACES.sub(" ", text).strip().rstrip(".…").strip()


def _abstract_is_redundant(abstract: str, body: str) -> bool:
    """True when the abstract is the start of the body (cut off) or appears in it."""
    a, b = _flat(abstract), _flat(body)
    return not a or b.startswith(a) or a in b[: len(a) + 2000]


def parse_trec(text: str) -> list:
    docs = [m.group(1) for m in _DOC.finditer(text)]
    single = len(docs) == 1
    records: list = []
    for no, doc in enumerate(docs, 1):
        record_no = None if single else no
        fields = {t: _trec_field(doc, t) for t in TREC_TAGS}
        body, abstract = fields["TEXT"], fields["ABSTRACT"]
        if body and abstract and not _abstract_is_redundant(abstract, body):
            body = abstract + "\n" + body
        body = body or abstract
        if not body:
            present = ", ".join(t for t, v in fields.items() if v) or "none"
            records.append(BadRecord("no article body", f"<DOC> {no} ({fields['DOCNO'] or 'no DOCNO'}) has no "
                                                        f"<TEXT> or <ABSTRACT>; its fields: {present}", record_no))
            continue
        meta = {"title": fields["TITLE"], "url": fields["URL"], "published_at": parse_date(fields["TIME"]),
                "source_name": fields["SRC"], "category": fields["CAT"], "author": fields["AUTHOR"],
                "docno": fields["DOCNO"], "abstract": abstract}
        records.append(Record(body, {k: v for k, v in meta.items() if v is not None}, record_no))
    return records


# --------------------------------------------------------------------------- HTML

_DROP_BLOCKS = re.compile(r"<(script|style|noscript|head|nav|footer|template|svg)\b.*?</\1\s*>", re.S | re.I)
_BLOCK_TAGS = re.compile(r"</?(p|div|br|h[1-6]|li|tr|article|section|header|blockquote|pre|table)\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^>]+>|<!--.*?-->", re.S)
_META = re.compile(r"<meta\s+[^>]*>", re.I)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)
_CANONICAL = re.compile(r"""<link\s+[^>]*rel=["']?canonical["']?[^>]*>""", re.I)


def strip_tags(fragment: str) -> str:
    """Text of an HTML fragment: block tags become line breaks, entities are decoded."""
    text = _DROP_BLOCKS.sub("\n", fragment)
    text = _BLOCK_TAGS.sub("\n", text)
    text = html_lib.unescape(_ANY_TAG.sub("", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _attrs(tag: str) -> dict:
    return {m.group(1).lower(): html_lib.unescape(m.group(2) or m.group(3) or m.group(4) or "")
            for m in _ATTR.finditer(tag)}


def _fallback_metadata(page: str) -> dict:
    meta: dict = {}
    props = {}
    for tag in _META.findall(page):
        a = _attrs(tag)
        key = (a.get("property") or a.get("name") or "").lower()
        if key and a.get("content"):
            props.setdefault(key, a["content"].strip())
    title = props.get("og:title") or (html_lib.unescape(_TITLE.search(page).group(1)).strip()
                                      if _TITLE.search(page) else None)
    canonical = _CANONICAL.search(page)
    meta["title"] = title
    meta["url"] = props.get("og:url") or (_attrs(canonical.group(0)).get("href") if canonical else None)
    meta["published_at"] = parse_date(props.get("article:published_time") or props.get("date")
                                      or props.get("pubdate"))
    meta["author"] = props.get("author") or props.get("article:author")
    meta["source_name"] = props.get("og:site_name")
    meta["category"] = props.get("article:section")
    return {k: v for k, v in meta.items() if v}


def parse_html(page: str) -> Parsed:
    """Main text through trafilatura; a plain tag-stripping when it finds nothing."""
    import trafilatura  # about 0.2 s to import: only when there is HTML to read

    try:
        doc = trafilatura.bare_extraction(page, with_metadata=True, include_comments=False, include_tables=False)
    except Exception:  # trafilatura on malformed markup: fall back rather than lose the page
        doc = None
    text = (doc.text or "").strip() if doc is not None else ""
    if text:
        meta = {"title": doc.title, "url": doc.url, "published_at": parse_date(doc.date),
                "author": doc.author, "source_name": doc.sitename,
                "category": ", ".join(doc.categories) if doc.categories else None}
        meta = {k: v for k, v in meta.items() if v}
        fallback = _fallback_metadata(page)
        for key, value in fallback.items():  # trafilatura drops a time of day; the meta tag keeps it
            if key == "published_at" or key not in meta:
                meta[key] = value
        return Parsed("html", [Record(text, meta)])
    return Parsed("html (tag-stripped fallback)", [Record(strip_tags(page), _fallback_metadata(page))])
