"""One run at a time per database: an exclusive ``flock`` on ``<db>.lock``.

``flock`` locks belong to the open file, so the kernel releases them when the holder exits,
even after ``kill -9``: a crashed run never leaves a stale lock behind. The lock file itself
is never deleted (deleting a locked file lets a third process lock a new inode while the
second still waits on the old one). The holder writes its pid and run id into the file so
that a refused run can say who is in the way.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from contextlib import contextmanager
from pathlib import Path

from lscp_core.errors import LockBusy
from lscp_core.private import narrow


def lock_path(db: Path) -> Path:
    return Path(str(db) + ".lock")


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    if not info.get("pid"):
        return "another run"
    return f"another run (pid {info['pid']}, run {info.get('run_id', '?')}, " \
           f"started {info.get('started_at', '?')})"


class _Held:
    def __init__(self, fd: int, path: Path):
        self.fd, self.path = fd, path

    def announce(self, **info) -> None:
        """Tell a refused run who holds the lock (pid always; run id once known)."""
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, json.dumps({"pid": os.getpid(), **info}).encode(), 0)


@contextmanager
def run_lock(db: Path, *, wait: float = 0.0, poll: float = 0.2):
    """Hold the database's run lock; wait up to ``wait`` seconds, then raise LockBusy."""
    path = lock_path(db)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        narrow(fd)  # a lock file an older lscp left 0644 is narrowed (new ones are born 0600)
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    waited = f" after waiting {wait:g}s" if wait > 0 else ""
                    raise LockBusy(
                        f"{_holder(path)} is already working on {db}{waited}; "
                        f"try again later (or set LSCP_LOCK_WAIT / [pipeline] lock_wait)"
                    ) from None
                time.sleep(poll)
        held = _Held(fd, path)
        held.announce()
        try:
            yield held
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
