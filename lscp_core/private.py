"""Files closed from birth (issue 25): every file lscp writes is owner-only from the moment
it exists. Each process entry (the ``lscp`` command, hence the scheduler and the Streamlit
process ``lscp serve``/``demo`` start; the dashboard app for a Streamlit started by hand)
calls ``close_new_files``; a file lscp writes itself is opened with ``open_private``."""

from __future__ import annotations

import os
from pathlib import Path

UMASK = 0o077  # new files 0600, new folders 0700, whatever the caller's umask
FILE_MODE = 0o600


def close_new_files() -> None:
    """Every file and folder this process (and its children) creates: owner-only."""
    os.umask(UMASK)


def narrow(fd: int) -> None:
    """A file an older lscp left open to others (0644) is made 0600 on its descriptor; a file
    born 0600 is left alone (never chmod-ed after its creation)."""
    if os.fstat(fd).st_mode & 0o077:
        os.fchmod(fd, FILE_MODE)


def open_private(path: Path | str, mode: str = "wb", **kwargs):
    """``open(path, mode)`` for writing, the file created 0600; a file already there that is
    open to others is made 0600 (on the open descriptor) before anything is written to it."""
    if mode[0] not in "wa":
        raise ValueError(f"open_private writes: mode {mode!r}")
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode[0] == "a" else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    try:
        narrow(fd)
    except OSError:
        os.close(fd)
        raise
    return os.fdopen(fd, mode, **kwargs)
