"""Decode input files into articles: one file's bytes in, its items out.

Pure functions over bytes; the file system is read by `flows.reading`
(safely, one file at a time) and walked by `flows.discover`. An *item* is
what a file holds: the file itself (one article), record N of a
multi-record file (`file#N`), or a member of an archive (`archive!member`,
`archive!member#N`). Each item becomes a `RawArticle` or a `Rejected` with
a reason for a person; `ItemStream` turns a list of files into items for the
run, telling exact copies of known articles (`Duplicate`) from new ones.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import re
import traceback
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from flows import archives, formats, reading
from flows.discover import DEFAULT_MAX_FILE_BYTES, Rejected, SourceFile
from flows.normalize import arabic_ratio

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ARCHIVE_BYTES = 4 * 1024 * 1024 * 1024
MIN_ARABIC_RATIO = 0.5  # share of letters that must be Arabic for a text to count as Arabic
MIN_LETTERS = 20  # fewer letters than this is not an article
# Names that always hold one article: their cap is the article cap; other files hold records.
SINGLE_ARTICLE_SUFFIXES = (".txt", ".html", ".htm")


@dataclass(frozen=True)
class Limits:
    """Size limits, all in bytes (decompressed where compressed)."""

    max_bytes: int = DEFAULT_MAX_BYTES  # one article; and a file that holds one article (.txt, .html)
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES  # a file or archive member that holds records (.json, .zip...)
    max_archive_bytes: int = DEFAULT_MAX_ARCHIVE_BYTES  # all members of one archive together

    def cap_for(self, name: str) -> int:
        inner = formats.inner_name(name).lower()
        return self.max_bytes if inner.endswith(SINGLE_ARTICLE_SUFFIXES) else self.max_file_bytes

    def describe(self) -> str:
        return f"max_bytes={self.max_bytes}, max_file_bytes={self.max_file_bytes}, " \
               f"max_archive_bytes={self.max_archive_bytes}"


@dataclass(frozen=True)
class RawArticle:
    article_id: str
    source_path: str
    input_format: str
    encoding: str
    text: str
    content_hash: str
    n_bytes: int
    arabic_ratio: float
    size: int
    mtime: float
    metadata: dict = field(default_factory=dict)  # title, url, published_at, ... when the input carries them
    file_path: str = ""  # the real file; source_path is "file_path#N" for record N of a multi-record file
    repairs: str | None = None  # what was mended in the text (lone surrogates replaced), for a person

    def __post_init__(self):
        if not self.file_path:
            object.__setattr__(self, "file_path", self.source_path)


@dataclass(frozen=True)
class Duplicate:
    source_path: str  # the item
    duplicate_of: str  # article_id already loaded (or loaded earlier in this run)
    content_hash: str
    size: int
    mtime: float
    file_path: str = ""  # the real file; defaults to source_path

    def __post_init__(self):
        if not self.file_path:
            object.__setattr__(self, "file_path", self.source_path)


class DecodeError(ValueError):
    """Bytes that cannot be read as text; the message is for a person."""


# --------------------------------------------------------------------------- decoding
#
# Order: byte-order marks; UTF-16 without BOM (every other byte 0x00/0x06);
# binary junk; UTF-8 (then mojibake repair when the result is not Arabic but
# looks like UTF-8 read as Latin-1/cp1252 or as cp1256); else the legacy
# Arabic code pages Windows-1256 and ISO-8859-6, the one whose decoding reads
# as Arabic words winning (`arabic_word_score`).

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32 (BOM)"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32 (BOM)"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le (BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be (BOM)"),
)
MOJIBAKE_LABEL = "utf-8 (mojibake repaired)"
MIN_WORD_SCORE = 0.15  # real Arabic news scores 0.35-0.6; the wrong code page scores under 0.05


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control > len(sample) * 0.05


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: every other byte is mostly 0x00 (ASCII) or 0x06 (Arabic block)."""
    if len(data) < 4 or len(data) % 2:
        return None
    for codec, high in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
        if sum(1 for b in high[:2048] if b in (0x00, 0x06)) > 0.9 * min(len(high), 2048):
            try:
                return data.decode(codec), f"{codec} (no BOM)"
            except UnicodeDecodeError:
                return None
    return None


# Frequent Arabic function words (as written, hamza variants included). A text
# decoded with the wrong code page has almost none of them and no "ال" words.
_COMMON_WORDS = frozenset("""
في من على إلى الى أن ان إن عن مع هذا هذه التي الذي الذين كان كانت بين بعد قبل خلال حيث وقد قد لا ما لم لن
أو او ثم كما وفي ومن وعلى وأن أنه انه إنه هو هي هم عند منذ حتى غير كل بعض أي وهو وهي وقال قال لكن ضد نحو
""".split())
_ARABIC_TOKEN = re.compile(r"[\u0621-\u064a]+")
_WORD = re.compile(r"[^\W\d_]+")


def arabic_word_score(text: str, sample_chars: int = 20000) -> float:
    """Share of the non-ASCII words that read as Arabic: a common function word or an ال- word.

    ASCII words (HTML markup, JSON keys, Latin names) are left out of the count,
    so the score judges only what a code page could have got wrong.
    """
    words = [w for w in _WORD.findall(text[:sample_chars]) if not w.isascii()]
    if not words:
        return 0.0
    good = 0
    for w in words:
        if _ARABIC_TOKEN.fullmatch(w) and (w in _COMMON_WORDS or w.startswith(("ال", "وال", "بال", "لل", "فال"))):
            good += 1
    return good / len(words)


_LATIN_MOJIBAKE = re.compile("[\u00d8\u00d9\u00da\u00db][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
                             "\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")
_CP1256_MOJIBAKE = re.compile("[\u0637\u0638][\u00a7\u00a9\u00ab\u00b1\u00b9\u0679\u067e\u0686\u0688\u0691\u0698"
                              "\u06a9\u06af\u06ba\u06be\u06c1\u201a-\u2039\u0152\u0153\u2030\u20ac\u2122]")


def _repair_mojibake(text: str) -> str | None:
    """UTF-8 bytes once read as Latin-1/cp1252 (Ø§Ù„) or cp1256 (ط§ظ„) and saved again as UTF-8."""
    sample = text[:20000]
    if len(_LATIN_MOJIBAKE.findall(sample)) >= 5 and arabic_ratio(sample) < MIN_ARABIC_RATIO:
        import ftfy  # only for the rare file that needs it

        fixed = ftfy.fix_encoding(text)
        if arabic_ratio(fixed) >= MIN_ARABIC_RATIO:
            return fixed
    if len(_CP1256_MOJIBAKE.findall(sample)) >= 5 and arabic_word_score(sample) < MIN_WORD_SCORE:
        try:
            fixed = text.encode("cp1256").decode("utf-8")
        except UnicodeError:
            return None
        if arabic_word_score(fixed) >= MIN_WORD_SCORE:
            return fixed
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Text and the name of the encoding it was in. Raises DecodeError with a reason."""
    if not data.strip():
        raise DecodeError("empty file")
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), label
            except UnicodeDecodeError as err:
                raise DecodeError(f"starts with a {label} byte-order mark but is not valid {codec}: {err.reason} "
                                  f"at byte {err.start}") from err
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16
    if _looks_binary(data):
        raise DecodeError("binary file: contains NUL or control bytes, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data" and err.start >= len(data) - 3:
            raise DecodeError(f"truncated UTF-8: the file ends inside a multi-byte character "
                              f"(byte {err.start} of {len(data)})") from err
        utf8_error = err
    else:
        repaired = _repair_mojibake(text)
        return (repaired, MOJIBAKE_LABEL) if repaired is not None else (text, "utf-8")
    # Legacy Arabic single-byte code pages: the decoding that reads as Arabic words wins.
    best: tuple[float, str, str] | None = None
    for codec in ("cp1256", "iso-8859-6"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = arabic_word_score(text)
        if best is None or score > best[0]:
            best = (score, text, codec)
    if best and best[0] >= MIN_WORD_SCORE and arabic_ratio(best[1]) >= MIN_ARABIC_RATIO:
        return best[1], best[2]
    raise DecodeError(f"undecodable: not valid UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) "
                      f"and not Arabic in Windows-1256 or ISO-8859-6")


def file_hash(data: bytes) -> str:
    """Hash of a file's bytes: confirms that a file whose mtime changed really changed."""
    return hashlib.sha256(data).hexdigest()


def content_hash(text: str) -> str:
    """Hash of the text itself, so the same article in two encodings is one article."""
    canonical = unicodedata.normalize("NFC", text).replace("\r\n", "\n").strip()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def article_id_for(hash_hex: str) -> str:
    return hash_hex[:16]


def judge_text(text: str) -> str | None:
    """Why a decoded text is not an Arabic article, or None when it is one."""
    letters = sum(1 for ch in text if ch.isalpha())
    if letters < MIN_LETTERS:
        return f"too little text: {letters} letters"
    ratio = arabic_ratio(text)
    if ratio < MIN_ARABIC_RATIO:
        return f"not Arabic: only {ratio:.0%} of the letters are Arabic"
    return None


# --------------------------------------------------------------------------- text repairs

_SURROGATE = re.compile("[\ud800-\udfff]")


def repair_text(text: str) -> tuple[str, int]:
    """Text that can be stored: lone surrogates (escaped `\\ud800` in JSON) become U+FFFD.

    Python keeps them in a str, but they are not Unicode scalar values: UTF-8
    cannot encode them and DuckDB refuses them. Returns the text and how many
    were replaced.
    """
    if text.isascii():
        return text, 0
    try:
        text.encode("utf-8")
        return text, 0
    except UnicodeEncodeError:
        return _SURROGATE.subn("\ufffd", text)


def _repaired_metadata(metadata: dict) -> tuple[dict, int]:
    fixed, n = {}, 0
    for key, value in metadata.items():
        if isinstance(value, str):
            value, k = repair_text(value)
            n += k
        fixed[key] = value
    return fixed, n


# --------------------------------------------------------------------------- one file's items

def _reason(message: str) -> str:
    return message.split(":")[0]


def iter_file_items(f: SourceFile, data: bytes, limits: Limits = Limits(),
                    fields: formats.FieldMap = formats.DEFAULT_FIELDS) -> Iterator[RawArticle | Rejected]:
    """Every article of one file's bytes, or for each item that is not one, why not.

    A file that holds one article gives `source_path == f.path`; record N of a
    file that holds several gives `f"{f.path}#{N}"` (for JSON Lines N is the
    line number); a member of an archive gives `f"{f.path}!{member}"`.
    `file_path` is always the real file.
    """
    yield from _blob_items(f, os.path.basename(f.path), data, f.path, limits, fields, in_archive=False)


def parse_file(f: SourceFile, data: bytes, max_bytes: int | None = None, limits: Limits | None = None,
               fields: formats.FieldMap = formats.DEFAULT_FIELDS) -> list[RawArticle | Rejected]:
    limits = limits or Limits(**({"max_bytes": max_bytes} if max_bytes else {}))
    return list(iter_file_items(f, data, limits, fields))


def parse_article(f: SourceFile, data: bytes) -> RawArticle | Rejected:
    """The first (for a one-article file: the only) article of a file, or why it is not one."""
    return parse_file(f, data)[0]


def _blob_items(f: SourceFile, name: str, data: bytes, item: str, limits: Limits, fields: formats.FieldMap,
                in_archive: bool) -> Iterator[RawArticle | Rejected]:
    """Items of one file, or of one archive member (`item` is its name as an item)."""
    def reject(message: str, source_path: str = item, digest: str | None = None, detail: str | None = None):
        return Rejected(source_path, "ingest", _reason(message), detail or message, f.size, f.mtime, digest,
                        file_path=f.path)

    n_bytes = len(data)
    gz = ""
    archive_kind = archives.kind(name, data)  # by name or magic; a .tar.gz streams through tarfile
    if archive_kind is None and data.strip() and formats.is_gzip(name, data):
        inner = formats.inner_name(name)
        try:
            data = formats.gunzip(data, limits.cap_for(inner))
        except formats.FormatError as err:
            yield reject(str(err))
            return
        name, gz = inner, "+gzip"
        if formats.is_gzip("", data):
            yield reject("nested gzip: a gzip file inside a gzip file is not read")
            return
        archive_kind = archives.kind(name, data)
    if archive_kind:
        if in_archive:
            yield reject(f"nested archive: a {archive_kind} inside an archive is not opened; unpack it first")
            return
        for member in archives.members(archive_kind, data, limits.max_file_bytes, limits.max_archive_bytes):
            member_item = f"{item}!{member.name}" if member.name else item
            if isinstance(member, archives.MemberRefused):
                yield reject(f"{member.reason}: {member.detail}", member_item)
            elif not os.path.basename(member.name).lower().endswith(SUPPORTED_MEMBER_SUFFIXES):
                yield reject(f"unsupported file type: archive member '{member.name}' is not one of "
                             f"{', '.join(SUPPORTED_MEMBER_SUFFIXES)}", member_item)
            else:
                yield from _blob_items(f, os.path.basename(member.name), member.data, member_item, limits, fields,
                                       in_archive=True)
        return
    if name.lower().endswith(SINGLE_ARTICLE_SUFFIXES) and len(data) > limits.max_bytes:
        yield reject(f"file too large: {len(data):,} bytes{' decompressed' if gz else ''} > limit "
                     f"{limits.max_bytes:,}")
        return
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as err:
        yield reject(str(err))
        return
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        parsed = formats.parse_text(name, text, fields)
    except formats.FormatError as err:
        yield reject(str(err))
        return
    del text, data
    single = len(parsed.records) == 1
    for no, rec in enumerate(parsed.records, 1):
        record_no = rec.record_no or no
        source_path = item if single else f"{item}#{record_no}"
        if isinstance(rec, formats.BadRecord):
            yield reject(rec.reason, source_path, detail=rec.detail)
            continue
        body, n_repaired = repair_text(rec.text.strip("\n"))
        metadata, n_meta = _repaired_metadata(rec.metadata)
        digest = content_hash(body)
        size = len(body.encode("utf-8"))
        if size > limits.max_bytes:
            yield reject(f"article too large: {size:,} bytes > limit {limits.max_bytes:,} (--max-bytes)",
                         source_path, digest)
            continue
        problem = judge_text(body)
        if problem:
            yield reject(problem, source_path, digest)
            continue
        repairs = None
        if n_repaired or n_meta:
            repairs = f"{n_repaired + n_meta} lone surrogate(s) replaced by U+FFFD" + \
                      (f" ({n_repaired} in the body)" if n_repaired and n_meta else "")
        yield RawArticle(
            article_id=article_id_for(digest), source_path=source_path, input_format=parsed.input_format + gz,
            encoding=encoding, text=body, content_hash=digest, n_bytes=n_bytes,
            arabic_ratio=round(arabic_ratio(body), 4), size=f.size, mtime=f.mtime, metadata=metadata,
            file_path=f.path, repairs=repairs,
        )


SUPPORTED_MEMBER_SUFFIXES = (".txt", ".json", ".jsonl", ".ndjson", ".html", ".htm", ".gz")


# --------------------------------------------------------------------------- the run's stream of items

@dataclass(frozen=True)
class FileRead:
    """A file whose items have all been given: its hash, or why it could not be read at all."""

    file: SourceFile
    file_hash: str | None  # None when the file could not be read
    unchanged: bool = False  # same bytes as the version the warehouse holds: nothing was re-read
    refused: Rejected | None = None  # why the file as a whole is not an article (unreadable, undecodable...)
    n_items: int = 0  # articles, copies and refusals it gave


Item = RawArticle | Rejected | Duplicate | FileRead


def read_items(f: SourceFile, data: bytes, known_hashes: dict[str, str], limits: Limits,
               fields: formats.FieldMap) -> Iterator[RawArticle | Rejected | Duplicate]:
    """Items of one file's bytes; exact copies of known (or earlier) articles become Duplicates.

    `known_hashes` (content_hash -> article_id) is updated with the articles
    given here, so later files see them. An unexpected error in the middle of
    a file rejects the rest of that file with the error; items already given
    stay given (each item is judged on its own).
    """
    try:
        for item in iter_file_items(f, data, limits, fields):
            if isinstance(item, RawArticle) and item.content_hash in known_hashes:
                yield Duplicate(item.source_path, known_hashes[item.content_hash], item.content_hash, f.size, f.mtime,
                                file_path=f.path)
                continue
            if isinstance(item, RawArticle):
                known_hashes[item.content_hash] = item.article_id
            yield item
    except Exception as err:  # a bug meeting odd input: the file is refused, the run goes on
        yield Rejected(f.path, "ingest", "internal error", describe_error(err), f.size, f.mtime, file_path=f.path)


def describe_error(err: BaseException) -> str:
    """One line for a person: the exception and where in akhbar's code it was raised."""
    frames = [fr for fr in traceback.extract_tb(err.__traceback__) if "/flows/" in fr.filename.replace(os.sep, "/")]
    where = f" (at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno} in {frames[-1].name})" if frames else ""
    message = str(err)
    if len(message) > 300:
        message = message[:300] + "…"
    return f"{type(err).__name__}: {message}{where}"


def ingest_files(files: Iterable[SourceFile], known_hashes: dict[str, str], limits: Limits = Limits(),
                 fields_for: Callable[[str], formats.FieldMap] | None = None,
                 read: Callable[..., bytes] | None = None) -> "IngestBatch":
    """All items of a few files at once (tests and tools; the pipeline streams them)."""
    batch = IngestBatch([], [], [])
    for item in ItemStream(list(files), known_hashes, limits, fields_for, read=read):
        if isinstance(item, RawArticle):
            batch.articles.append(item)
        elif isinstance(item, Duplicate):
            batch.duplicates.append(item)
        elif isinstance(item, Rejected):
            batch.rejected.append(item)
        elif item.refused is not None:
            batch.rejected.append(item.refused)
    return batch


@dataclass
class IngestBatch:
    articles: list[RawArticle]
    rejected: list[Rejected]
    duplicates: list[Duplicate]


class ItemStream:
    """The items of a run's files, read one file at a time, in order, then a `FileRead` per file.

    Only one file's bytes are held at once (an archive's members are read one
    by one out of it). `known_files` maps a path to the file hash the
    warehouse holds for it: a file whose mtime changed but whose bytes did not
    is given as `FileRead(unchanged=True)` with no items.
    """

    def __init__(self, files: list[SourceFile], known_hashes: dict[str, str], limits: Limits = Limits(),
                 fields_for: Callable[[str], formats.FieldMap] | None = None,
                 known_files: dict[str, str | None] | None = None, read: Callable[..., bytes] | None = None):
        self.files = files
        self.known_hashes = known_hashes
        self.limits = limits
        self.fields_for = fields_for or (lambda path: formats.DEFAULT_FIELDS)
        self.known_files = known_files or {}
        self.read = read or reading.read_bounded
        self.bytes_done = 0  # of the files given so far (for progress)
        self.files_done = 0

    def __iter__(self) -> Iterator[Item]:
        for f in self.files:
            yield from self._one_file(f)
            self.files_done += 1
            self.bytes_done += f.size

    def _one_file(self, f: SourceFile) -> Iterator[Item]:
        try:
            data = self.read(f.path, self.limits.cap_for(os.path.basename(f.path)), f.root, f.open_path)
        except reading.ReadRefused as refusal:
            yield FileRead(f, None, refused=Rejected(f.path, "ingest", refusal.reason, refusal.detail, f.size,
                                                    f.mtime, transient=refusal.transient))
            return
        digest = file_hash(data)
        if self.known_files.get(f.path) == digest:
            yield FileRead(f, digest, unchanged=True)
            return
        fields = self.fields_for(f.path)
        n_items, refused = 0, None
        for item in read_items(f, data, self.known_hashes, self.limits, fields):
            if isinstance(item, Rejected) and item.source_path == f.path:
                refused = item  # the file as a whole (undecodable, not Arabic, ...): said once, by its FileRead
                continue
            n_items += 1
            yield item
        yield FileRead(f, digest, refused=refused, n_items=n_items)
