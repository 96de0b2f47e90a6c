"""Zip and tar archives as inputs: each member is read as a file of its own.

Pure functions over an archive's bytes. A member becomes items named
`archive!member` (and `archive!member#N` for record N of a multi-record
member); `flows.ingest` parses each member exactly like a file on disk.

Archives are where bombs hide, so every member is read with limits:

- a member decompresses to at most `member_cap` bytes (the read stops there,
  whatever the header claims);
- a zip member whose decompressed size is over `MAX_RATIO` times its
  compressed size (and over 1 MB) is refused as a likely bomb;
- all members together decompress to at most `total_cap` bytes; past it the
  rest of the archive is refused with one reason;
- archives inside archives are not opened (one level only; a gzipped member
  such as `day.json.gz` is fine: `flows.ingest` undoes that one layer).

Members that are folders, or hidden (`.DS_Store`, `__MACOSX/`), are skipped
silently, as discovery skips hidden files; links and devices are refused.
"""
from __future__ import annotations

import io
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from typing import Iterator

ZIP_MAGIC = b"PK\x03\x04"
MAX_RATIO = 100  # real text compresses 3-15x; a bomb compresses thousands of times
RATIO_FLOOR = 1 << 20  # small members may compress extremely well (a file of spaces): judged from 1 MB
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tgz", ".tar.gz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")


@dataclass(frozen=True)
class Member:
    name: str  # path inside the archive
    data: bytes


@dataclass(frozen=True)
class MemberRefused:
    name: str  # path inside the archive, or "" for the archive as a whole
    reason: str
    detail: str


def kind(name: str, data: bytes) -> str | None:
    """'zip' or 'tar' when the bytes are an archive, else None (tar is found by its ustar magic too)."""
    lower = name.lower()
    if data[:4] == ZIP_MAGIC or lower.endswith(".zip"):
        return "zip"
    if lower.endswith(ARCHIVE_SUFFIXES) or data[257:262] == b"ustar":
        return "tar"
    return None


def _hidden(member_name: str) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in member_name.split("/") if part)


def members(archive_kind: str, data: bytes, member_cap: int, total_cap: int) -> Iterator[Member | MemberRefused]:
    """Every member of the archive, or why it (or the rest of the archive) is refused."""
    reader = _zip_members if archive_kind == "zip" else _tar_members
    total = 0
    try:
        for item in reader(data, member_cap):
            if isinstance(item, Member):
                total += len(item.data)
                if total > total_cap:
                    yield MemberRefused(item.name, "archive too large",
                                        f"its members decompress to more than {total_cap:,} bytes in all; "
                                        f"this member and the rest of the archive are not read")
                    return
            yield item
    except (tarfile.TarError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as err:
        yield MemberRefused("", f"corrupt {archive_kind}",
                            f"{type(err).__name__}: {err} (after {total:,} bytes of members; the rest is not read)")


def _zip_members(data: bytes, member_cap: int) -> Iterator[Member | MemberRefused]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.is_dir() or _hidden(info.filename):
                continue
            if info.flag_bits & 0x1:
                yield MemberRefused(info.filename, "encrypted archive member", "password-protected: cannot be read")
                continue
            if info.file_size > member_cap:
                yield MemberRefused(info.filename, "file too large",
                                    f"decompresses to {info.file_size:,} bytes > limit {member_cap:,}")
                continue
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                yield MemberRefused(info.filename, "suspicious compression",
                                    f"{info.compress_size:,} bytes decompress to {info.file_size:,} "
                                    f"(over {MAX_RATIO}x): refused as a likely zip bomb")
                continue
            with archive.open(info) as handle:
                payload = handle.read(member_cap + 1)  # the header may lie about the size
            if len(payload) > member_cap:
                yield MemberRefused(info.filename, "file too large", f"decompresses to more than {member_cap:,} bytes")
                continue
            yield Member(info.filename, payload)


def _tar_members(data: bytes, member_cap: int) -> Iterator[Member | MemberRefused]:
    # Streaming mode: members are read in order, one at a time, never the whole archive unpacked.
    with tarfile.open(fileobj=io.BytesIO(data), mode="r|*") as archive:
        for info in archive:
            if info.isdir() or _hidden(info.name):
                continue
            if not info.isfile():
                yield MemberRefused(info.name, "not a regular file", "a link, device or FIFO inside the archive")
                continue
            if info.size > member_cap:
                yield MemberRefused(info.name, "file too large", f"{info.size:,} bytes > limit {member_cap:,}")
                continue
            handle = archive.extractfile(info)
            payload = handle.read(member_cap + 1) if handle else b""
            yield Member(info.name, payload)
