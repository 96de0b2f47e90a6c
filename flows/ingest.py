"""Find article files, decode them, hash them, tell new from known.

Pure functions over bytes and paths; the warehouse state a run compares
against (`KnownState`) is passed in, never read here.
"""
from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
import stat
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from flows import formats
from flows.normalize import arabic_ratio

# .gz covers .txt.gz, .json.gz, ... and a bare .gz whose inner format is found from its content.
SUPPORTED_SUFFIXES = (".txt", ".json", ".jsonl", ".ndjson", ".html", ".htm", ".gz")
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MIN_ARABIC_RATIO = 0.5  # share of letters that must be Arabic for a text to count as Arabic
MIN_LETTERS = 20  # fewer letters than this is not an article


@dataclass(frozen=True)
class SourceFile:
    path: str  # as found under the input folder (absolute, resolved)
    size: int
    mtime: float


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

    def __post_init__(self):
        if not self.file_path:
            object.__setattr__(self, "file_path", self.source_path)


@dataclass(frozen=True)
class Rejected:
    source_path: str  # the file, or "file#N" for one record of a multi-record file
    stage: str
    reason: str
    detail: str = ""
    size: int | None = None  # of the real file (also on record-level rejections)
    mtime: float | None = None
    content_hash: str | None = None
    file_path: str = ""  # the real file; defaults to source_path

    def __post_init__(self):
        if not self.file_path:
            object.__setattr__(self, "file_path", self.source_path)


@dataclass(frozen=True)
class Duplicate:
    source_path: str  # the file, or "file#N"
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


# --------------------------------------------------------------------------- discovery

@dataclass
class Discovery:
    files: list[SourceFile]
    rejected: list[Rejected]


def discover_files(root: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> Discovery:
    """Every candidate file under `root`, recursively, in a stable order.

    Symbolic links are followed only when they stay inside `root`; hidden
    files and folders (names starting with a dot) are skipped on purpose.
    Anything else that cannot be an article is rejected with a reason.
    """
    root_path = Path(root).resolve()
    if not root_path.is_dir():
        raise FileNotFoundError(f"input folder not found: {root}")
    files: list[SourceFile] = []
    rejected: list[Rejected] = []
    seen_dirs: set[Path] = set()

    def walk(folder: Path) -> None:
        real = folder.resolve()
        if real in seen_dirs:
            rejected.append(Rejected(str(folder), "ingest", "symlink loop", f"{folder} leads back to {real}"))
            return
        seen_dirs.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as err:
            rejected.append(Rejected(str(folder), "ingest", "unreadable folder", str(err)))
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError) as err:
                    rejected.append(Rejected(str(path), "ingest", "broken or looping symlink", str(err)))
                    continue
                if not target.is_relative_to(root_path):
                    rejected.append(Rejected(str(path), "ingest", "path outside the input folder",
                                             f"symlink to {target}"))
                    continue
            try:
                info = path.stat()
            except OSError as err:
                rejected.append(Rejected(str(path), "ingest", "unreadable file", str(err)))
                continue
            if stat.S_ISDIR(info.st_mode):
                walk(path)
            elif not stat.S_ISREG(info.st_mode):
                rejected.append(Rejected(str(path), "ingest", "not a regular file", "device, socket or pipe"))
            elif not path.name.lower().endswith(SUPPORTED_SUFFIXES):
                rejected.append(Rejected(str(path), "ingest", "unsupported file type",
                                         f"'{path.suffix or path.name}' is not one of {', '.join(SUPPORTED_SUFFIXES)}",
                                         info.st_size, info.st_mtime))
            elif info.st_size > max_bytes:
                rejected.append(Rejected(str(path), "ingest", "file too large",
                                         f"{info.st_size:,} bytes > limit {max_bytes:,}", info.st_size, info.st_mtime))
            else:
                files.append(SourceFile(str(path), info.st_size, info.st_mtime))

    walk(root_path)
    return Discovery(files, rejected)


def is_unchanged(f: SourceFile, known: dict[str, tuple]) -> bool:
    """Cheap check before reading: same path, size and mtime as last time."""
    prev = known.get(f.path)
    return prev is not None and prev[0] == f.size and prev[1] == f.mtime


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


# --------------------------------------------------------------------------- reading

# Errors worth a second try (network file systems, busy devices); permission
# denied or not found are answers, not accidents, and are not retried.
TRANSIENT_ERRNOS = frozenset({errno.EIO, errno.EAGAIN, errno.ESTALE, errno.EBUSY, errno.EINTR, errno.ETIMEDOUT})
RETRY_DELAYS = (0.1, 0.3, 0.9)  # seconds before the 2nd, 3rd and 4th try
_sleep = time.sleep  # tests replace it


def read_file(f: SourceFile) -> tuple[bytes | None, Rejected | None]:
    tries = 0
    while True:
        tries += 1
        try:
            with open(f.path, "rb") as handle:
                return handle.read(), None
        except OSError as err:
            if err.errno in TRANSIENT_ERRNOS and tries <= len(RETRY_DELAYS):
                _sleep(RETRY_DELAYS[tries - 1])
                continue
            detail = f"{type(err).__name__}: {err}"
            if tries > 1:
                detail += f" (after {tries} tries)"
            return None, Rejected(f.path, "ingest", "unreadable file", detail, f.size, f.mtime)


def _reason(message: str) -> str:
    return message.split(":")[0]


def parse_file(f: SourceFile, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> list[RawArticle | Rejected]:
    """Every article of one file's bytes, or for each record that is not one, why not.

    A file that holds one article gives `source_path == f.path`; record N of a
    file that holds several gives `source_path == f"{f.path}#{N}"` (for JSON
    Lines N is the line number). `file_path` is always the real file.
    """
    def reject(message: str, source_path: str = f.path, digest: str | None = None, detail: str | None = None):
        return Rejected(source_path, "ingest", _reason(message), detail or message, f.size, f.mtime, digest,
                        file_path=f.path)

    name = os.path.basename(f.path)
    n_bytes = len(data)
    gz = ""
    if data.strip() and formats.is_gzip(name, data):
        try:
            data = formats.gunzip(data, max_bytes)
        except formats.FormatError as err:
            return [reject(str(err))]
        name, gz = formats.inner_name(name), "+gzip"
        if formats.is_gzip("", data):
            return [reject("nested gzip: a gzip file inside a gzip file is not read")]
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as err:
        return [reject(str(err))]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        parsed = formats.parse_text(name, text)
    except formats.FormatError as err:
        return [reject(str(err))]
    single = len(parsed.records) == 1
    out: list[RawArticle | Rejected] = []
    for no, rec in enumerate(parsed.records, 1):
        record_no = rec.record_no or no
        source_path = f.path if single else f"{f.path}#{record_no}"
        if isinstance(rec, formats.BadRecord):
            out.append(reject(rec.reason, source_path, detail=rec.detail))
            continue
        body = rec.text.strip("\n")
        digest = content_hash(body)
        problem = judge_text(body)
        if problem:
            out.append(reject(problem, source_path, digest))
            continue
        out.append(RawArticle(
            article_id=article_id_for(digest), source_path=source_path, input_format=parsed.input_format + gz,
            encoding=encoding, text=body, content_hash=digest, n_bytes=n_bytes,
            arabic_ratio=round(arabic_ratio(body), 4), size=f.size, mtime=f.mtime, metadata=dict(rec.metadata),
            file_path=f.path,
        ))
    return out


def parse_article(f: SourceFile, data: bytes) -> RawArticle | Rejected:
    """The first (for a one-article file: the only) article of a file, or why it is not one."""
    return parse_file(f, data)[0]


@dataclass
class IngestBatch:
    articles: list[RawArticle]
    rejected: list[Rejected]
    duplicates: list[Duplicate]


def ingest_files(files: Iterable[SourceFile], known_hashes: dict[str, str], read=read_file,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> IngestBatch:
    """Decode a batch of files; drop exact duplicates of known or earlier articles.

    `known_hashes` (content_hash -> article_id) is updated with the articles
    accepted here, so later batches of the same run see them. `max_bytes`
    caps what a gzip file may decompress to.
    """
    batch = IngestBatch([], [], [])
    for f in files:
        data, failure = read(f)
        if failure:
            batch.rejected.append(failure)
            continue
        for item in parse_file(f, data, max_bytes):
            if isinstance(item, Rejected):
                batch.rejected.append(item)
            elif item.content_hash in known_hashes:
                batch.duplicates.append(Duplicate(item.source_path, known_hashes[item.content_hash],
                                                  item.content_hash, f.size, f.mtime, file_path=f.path))
            else:
                known_hashes[item.content_hash] = item.article_id
                batch.articles.append(item)
    return batch
