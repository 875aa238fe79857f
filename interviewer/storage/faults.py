"""One line a user can act on when a SQLite file cannot be written: the disk is full, or it is read-only.

SQLite's own codes do not always name the cause: on a full disk, opening a database in WAL
mode fails with a "disk I/O error" (the shared-memory file cannot grow), and on a read-only
file system with "unable to open database file". So the folder is looked at as well.
"""

from __future__ import annotations

import os
from pathlib import Path

_READONLY, _IOERR, _FULL, _CANTOPEN = 8, 10, 13, 14
#: Below this much free space a failed write is put down to a full disk: SQLite needs room for
#: its shared-memory file (32 KiB) and a few pages of write-ahead log.
_NEARLY_FULL_BYTES = 1 << 20


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLAlchemy SQLite URL or a plain path; None for a server database."""
    if url.startswith("sqlite"):
        path = url.partition(":///")[2]
    elif "://" in url:
        return None
    else:
        path = url
    # A URI filename (sqlite:///file:/x.db?mode=ro&uri=true) names the same file.
    path = path.removeprefix("file:").partition("?")[0]
    return Path(path) if path and path != ":memory:" else None


def storage_problem(error: BaseException, path: Path | None, what: str = "database") -> str | None:
    """A full disk or a read-only ``path``, named plainly with what to do; None for other errors."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if path is not None and primary in (_READONLY, _IOERR, _FULL, _CANTOPEN):
        if primary == _READONLY or _read_only(path):
            return f"the {what} is read-only: cannot write {path}. Make it writable, then try again."
        if primary == _FULL or _free_bytes(path.parent) < _NEARLY_FULL_BYTES:
            return f"the disk is full: cannot write the {what} {path}. Free some space, then try again."
    return None


def _read_only(path: Path) -> bool:
    # os.access, not the mode bits: it reports a read-only mount (EROFS) and an immutable file
    # (EPERM) even to root, who may write whatever the mode bits say.
    # The folder counts too: SQLite creates its -wal and -shm files beside the database.
    return any(p.exists() and not os.access(p, os.W_OK) for p in (path, path.parent))


def _free_bytes(folder: Path) -> int:
    try:
        stat = os.statvfs(folder)
    except OSError:
        return _NEARLY_FULL_BYTES  # cannot tell: do not claim the disk is full
    return stat.f_bavail * stat.f_frsize
