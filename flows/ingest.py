"""Find article files, decode them, hash them, tell new from known.

Pure functions over bytes and paths; the warehouse state a run compares
against (`KnownState`) is passed in, never read here.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from flows.normalize import arabic_ratio

SUPPORTED_SUFFIXES = (".txt",)
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


@dataclass(frozen=True)
class Rejected:
    source_path: str
    stage: str
    reason: str
    detail: str = ""
    size: int | None = None
    mtime: float | None = None
    content_hash: str | None = None


@dataclass(frozen=True)
class Duplicate:
    source_path: str
    duplicate_of: str  # article_id already loaded (or loaded earlier in this run)
    content_hash: str
    size: int
    mtime: float


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

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32 (BOM)"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32 (BOM)"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le (BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be (BOM)"),
)


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
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data" and err.start >= len(data) - 3:
            raise DecodeError(f"truncated UTF-8: the file ends inside a multi-byte character "
                              f"(byte {err.start} of {len(data)})") from err
        utf8_error = err
    # Legacy Arabic single-byte code pages: accept only when the result reads as Arabic.
    for codec in ("cp1256", "iso-8859-6"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if arabic_ratio(text) >= MIN_ARABIC_RATIO:
            return text, codec
    raise DecodeError(f"undecodable: not valid UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) "
                      f"and not Arabic in Windows-1256 or ISO-8859-6")


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

def read_file(f: SourceFile) -> tuple[bytes | None, Rejected | None]:
    try:
        with open(f.path, "rb") as handle:
            return handle.read(), None
    except OSError as err:
        return None, Rejected(f.path, "ingest", "unreadable file", f"{type(err).__name__}: {err}", f.size, f.mtime)


def parse_article(f: SourceFile, data: bytes) -> RawArticle | Rejected:
    """Decode one file's bytes into a raw article, or say why it is not one."""
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as err:
        return Rejected(f.path, "ingest", str(err).split(":")[0], str(err), f.size, f.mtime)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    problem = judge_text(text)
    digest = content_hash(text)
    if problem:
        return Rejected(f.path, "ingest", problem.split(":")[0], problem, f.size, f.mtime, digest)
    return RawArticle(
        article_id=article_id_for(digest), source_path=f.path, input_format="txt", encoding=encoding,
        text=text, content_hash=digest, n_bytes=len(data), arabic_ratio=round(arabic_ratio(text), 4),
        size=f.size, mtime=f.mtime,
    )


@dataclass
class IngestBatch:
    articles: list[RawArticle]
    rejected: list[Rejected]
    duplicates: list[Duplicate]


def ingest_files(files: Iterable[SourceFile], known_hashes: dict[str, str], read=read_file) -> IngestBatch:
    """Decode a batch of files; drop exact duplicates of known or earlier articles.

    `known_hashes` (content_hash -> article_id) is updated with the articles
    accepted here, so later batches of the same run see them.
    """
    batch = IngestBatch([], [], [])
    for f in files:
        data, failure = read(f)
        if failure:
            batch.rejected.append(failure)
            continue
        item = parse_article(f, data)
        if isinstance(item, Rejected):
            batch.rejected.append(item)
        elif item.content_hash in known_hashes:
            batch.duplicates.append(Duplicate(f.path, known_hashes[item.content_hash], item.content_hash,
                                              f.size, f.mtime))
        else:
            known_hashes[item.content_hash] = item.article_id
            batch.articles.append(item)
    return batch
