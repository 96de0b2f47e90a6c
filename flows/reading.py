"""Read one input file safely, whatever happened to it since discovery.

A scraper keeps writing the folder while a run reads it, and a hostile user
may swap files under it. Between discovery and reading a file may become a
FIFO (a plain `open` blocks forever, while the run holds the warehouse
lock), a symlink to a file outside the input folder, or grow past the size
limit. So a file is:

- opened component by component from the input folder with `O_NOFOLLOW`
  (no symlink anywhere on the way is followed: discovery already resolved
  the links it accepted, so the path opened here has none), `O_NONBLOCK`
  (opening a FIFO does not wait for a writer) and `O_NOCTTY`;
- checked on the open descriptor (`fstat`): a regular file, not over the cap;
- read to at most the cap plus one byte, so a file that grows while it is
  read is refused, never read whole.

Transient errors (EIO, EAGAIN, ESTALE, EBUSY, EINTR, ETIMEDOUT: network file
systems, busy devices) are retried with backoff; permission denied or not
found are answers, not accidents, and are not retried.
"""
from __future__ import annotations

import errno
import os
import stat
import time

TRANSIENT_ERRNOS = frozenset({errno.EIO, errno.EAGAIN, errno.ESTALE, errno.EBUSY, errno.EINTR, errno.ETIMEDOUT})
RETRY_DELAYS = (0.1, 0.3, 0.9)  # seconds before the 2nd, 3rd and 4th try
_sleep = time.sleep  # tests replace it
_CHUNK = 1 << 20

_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_FILE_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0))


class ReadRefused(Exception):
    """Why a file could not be read; `transient` when trying again later may succeed."""

    def __init__(self, reason: str, detail: str, transient: bool = False):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail, self.transient = reason, detail, transient


def _open_under(root: str, relative: str) -> int:
    """A descriptor for root/relative, opened one component at a time without following links."""
    parts = [p for p in relative.split(os.sep) if p not in ("", ".")]
    if not parts or ".." in parts:
        raise ReadRefused("path outside the input folder", f"{relative!r} is not a path under {root}")
    fd = os.open(root, _DIR_FLAGS)
    try:
        for part in parts[:-1]:
            next_fd = os.open(part, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = next_fd
        return os.open(parts[-1], _FILE_FLAGS, dir_fd=fd)
    finally:
        os.close(fd)


def _refusal(err: OSError, path: str) -> ReadRefused:
    if err.errno in (errno.ELOOP, errno.ENOTDIR) and getattr(os, "O_NOFOLLOW", 0):
        return ReadRefused("not a regular file", f"{path} (or a folder on its way) became a symbolic link "
                                                 f"or another kind of file after it was found; links are not "
                                                 f"followed at read time")
    if err.errno == errno.ENOENT:
        return ReadRefused("file vanished", f"{path} was removed after it was found: {err.strerror}", transient=True)
    return ReadRefused("unreadable file", f"{type(err).__name__}: {err}", transient=err.errno in TRANSIENT_ERRNOS)


def _read_once(path: str, root: str | None, open_path: str, cap: int) -> bytes:
    try:
        if root:
            fd = _open_under(root, os.path.relpath(open_path, root))
        else:
            fd = os.open(open_path, _FILE_FLAGS)
    except ReadRefused:
        raise
    except OSError as err:
        raise _refusal(err, path) from err
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReadRefused("not a regular file", f"{path} is now a FIFO, device, socket or folder "
                                                    f"(it was a regular file when found)")
        if info.st_size > cap:
            raise ReadRefused("file too large", f"{info.st_size:,} bytes > limit {cap:,}")
        # A regular file never blocks; clear O_NONBLOCK anyway so reads behave the usual way.
        os.set_blocking(fd, True)
        chunks, got = [], 0
        while got <= cap:
            chunk = os.read(fd, min(_CHUNK, cap + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > cap:
            raise ReadRefused("file too large", f"grew past the limit of {cap:,} bytes while it was read")
        return b"".join(chunks)
    except OSError as err:
        raise _refusal(err, path) from err
    finally:
        os.close(fd)


def read_bounded(path: str, cap: int, root: str | None = None, open_path: str | None = None) -> bytes:
    """At most `cap` bytes of the regular file `path`, or ReadRefused with the reason.

    `root` is the input folder the file was found under and `open_path` the
    real path to open (a symlink's resolved target, a name with undecodable
    bytes); without `root` only the last component is protected from links.
    """
    tries = 0
    while True:
        tries += 1
        try:
            return _read_once(path, root, open_path or path, cap)
        except ReadRefused as refusal:
            if refusal.transient and refusal.reason == "unreadable file" and tries <= len(RETRY_DELAYS):
                _sleep(RETRY_DELAYS[tries - 1])
                continue
            if tries > 1:
                raise ReadRefused(refusal.reason, f"{refusal.detail} (after {tries} tries)", refusal.transient) from None
            raise
