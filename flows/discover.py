"""Find the input files under a folder (or take the one file given).

Pure over the file system: no reading of contents. A file's `path` is what
the warehouse stores and shows; it is always valid Unicode, so a name with
bytes that are not UTF-8 is shown with `\\xNN` escapes (`caf\\xe9.txt`) while
`open_path` keeps the real name for reading. Symbolic links are followed
only when they stay inside the input folder; hidden files and folders
(names starting with a dot) are skipped on purpose. Anything else that
cannot be an article is rejected with a reason.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from flows.archives import ARCHIVE_SUFFIXES

# .gz covers .txt.gz, .json.gz, .tar.gz, ... and a bare .gz whose inner format is found from its content.
SUPPORTED_SUFFIXES = (".txt", ".json", ".jsonl", ".ndjson", ".html", ".htm", ".gz", *ARCHIVE_SUFFIXES)
DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    path: str  # absolute; valid Unicode (undecodable name bytes shown as \xNN)
    size: int
    mtime: float
    root: str | None = None  # the input folder: reads walk from it without following links
    open_path: str | None = None  # the real file to open when it differs from `path`


@dataclass(frozen=True)
class Rejected:
    source_path: str  # the file, or "file#N" / "archive!member" for one item of it
    stage: str
    reason: str
    detail: str = ""
    size: int | None = None  # of the real file (also on item-level rejections)
    mtime: float | None = None
    content_hash: str | None = None
    file_path: str = ""  # the real file; defaults to source_path
    transient: bool = False  # trying again later may succeed (a busy disk, a file that vanished)

    def __post_init__(self):
        if not self.file_path:
            object.__setattr__(self, "file_path", self.source_path)


@dataclass
class Discovery:
    files: list[SourceFile]
    rejected: list[Rejected]
    root: str = ""  # the input folder, or the input file
    single_file: bool = False
    present: set[str] = field(default_factory=set)  # every path seen, accepted or not
    unlisted: list[str] = field(default_factory=list)  # folders that could not be listed this time

    def covers(self, path: str) -> bool:
        """True when `path` would have been found by this discovery if it still existed.

        Not so under a folder that could not be listed: its files are unknown this time, not gone.
        """
        if self.single_file:
            return path == self.root
        if any(path.startswith(folder.rstrip(os.sep) + os.sep) for folder in self.unlisted):
            return False
        return path.startswith(self.root.rstrip(os.sep) + os.sep)


def shown_path(path: str) -> str:
    """A path as valid Unicode: bytes that are not UTF-8 (surrogate-escaped by Python) become \\xNN."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _candidate(path: str, shown: str, info: os.stat_result, root: str, real: str, max_file_bytes: int
               ) -> SourceFile | Rejected:
    name = os.path.basename(shown)
    if not stat.S_ISREG(info.st_mode):
        return Rejected(shown, "ingest", "not a regular file", "device, socket or pipe")
    if not name.lower().endswith(SUPPORTED_SUFFIXES):
        return Rejected(shown, "ingest", "unsupported file type",
                        f"'{Path(name).suffix or name}' is not one of {', '.join(SUPPORTED_SUFFIXES)}",
                        info.st_size, info.st_mtime)
    if info.st_size > max_file_bytes:
        return Rejected(shown, "ingest", "file too large", f"{info.st_size:,} bytes > limit {max_file_bytes:,}",
                        info.st_size, info.st_mtime)
    return SourceFile(shown, info.st_size, info.st_mtime, root, real if real != shown else None)


def discover_files(input_path: str | os.PathLike, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Discovery:
    """Every candidate file under `input_path` (a folder, recursively, in a stable order; or one file)."""
    given = Path(os.path.abspath(input_path))
    if given.is_file():
        real = str(given.resolve())
        shown = shown_path(str(given))
        item = _candidate(str(given), shown, os.stat(real), os.path.dirname(real), real, max_file_bytes)
        files, rejected = ([item], []) if isinstance(item, SourceFile) else ([], [item])
        return Discovery(files, rejected, root=shown, single_file=True, present={shown})
    root_path = given.resolve()
    if not root_path.is_dir():
        raise FileNotFoundError(f"input not found: {input_path} is neither a folder nor a file")
    root = str(root_path)
    found = Discovery([], [], root=shown_path(root))
    seen_dirs: set[str] = set()

    def walk(folder: str, real_folder: str) -> None:
        if real_folder in seen_dirs:
            found.rejected.append(Rejected(shown_path(folder), "ingest", "symlink loop",
                                           f"{shown_path(folder)} leads back to {shown_path(real_folder)}"))
            return
        seen_dirs.add(real_folder)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as err:
            found.rejected.append(Rejected(shown_path(folder), "ingest", "unreadable folder", str(err),
                                           transient=True))
            found.unlisted.append(shown_path(folder))
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path, shown = entry.path, shown_path(entry.path)
            found.present.add(shown)
            real = os.path.join(real_folder, entry.name)
            if entry.is_symlink():
                try:
                    real = str(Path(path).resolve(strict=True))
                except (OSError, RuntimeError) as err:
                    found.rejected.append(Rejected(shown, "ingest", "broken or looping symlink",
                                                   shown_path(str(err))))
                    continue
                if real in seen_dirs:
                    found.rejected.append(Rejected(shown, "ingest", "symlink loop",
                                                   f"{shown} leads back to {shown_path(real)}"))
                    continue
                if not Path(real).is_relative_to(root_path):
                    found.rejected.append(Rejected(shown, "ingest", "path outside the input folder",
                                                   f"symlink to {shown_path(real)}"))
                    continue
            try:
                info = os.stat(real)
            except OSError as err:
                found.rejected.append(Rejected(shown, "ingest", "unreadable file", shown_path(str(err)),
                                               transient=True))
                continue
            if stat.S_ISDIR(info.st_mode):
                walk(path, real)
                continue
            item = _candidate(path, shown, info, root, real, max_file_bytes)
            (found.files if isinstance(item, SourceFile) else found.rejected).append(item)

    walk(root, root)
    return found


def is_unchanged(f: SourceFile, known: dict[str, tuple]) -> bool:
    """Cheap check before reading: same path, size and mtime as last time."""
    prev = known.get(f.path)
    return prev is not None and prev[0] == f.size and prev[1] == f.mtime
