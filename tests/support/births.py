"""Every file and folder as it is born, seen by the kernel (inotify), and every chmod a
Python process makes: for the test that no file lscp writes is ever readable by others, not
even for a moment before a chmod.

``Births(root)`` watches ``root`` and each folder created under it; at each creation it
``lstat``s the new entry at once and keeps the first mode seen. ``LAUNCHER`` runs
``python -m lscp_cli`` with ``os.chmod``/``os.fchmod`` (hence ``Path.chmod`` and
``shutil``'s copies) recording each call, one JSON line to ``$LSCP_TEST_CHMOD_LOG``."""

from __future__ import annotations

import ctypes
import os
import select
import stat
import struct
import threading
from pathlib import Path

IN_MOVED_TO, IN_CREATE, IN_Q_OVERFLOW, IN_ISDIR = 0x80, 0x100, 0x4000, 0x40000000
_EVENT = struct.Struct("iIII")

LAUNCHER = r"""
import json, os, runpy, sys
_log = os.environ["LSCP_TEST_CHMOD_LOG"]
def _record(call, target, mode):
    with open(_log, "a") as f:
        f.write(json.dumps([call, str(target), oct(mode)]) + "\n")
_chmod, _fchmod = os.chmod, os.fchmod
def chmod(path, mode, *args, **kwargs):
    _record("chmod", path, mode)
    return _chmod(path, mode, *args, **kwargs)
def fchmod(fd, mode):
    _record("fchmod", os.readlink(f"/proc/self/fd/{fd}"), mode)
    return _fchmod(fd, mode)
os.chmod, os.fchmod = chmod, fchmod
sys.argv = ["lscp", *sys.argv[1:]]
runpy.run_module("lscp_cli", run_name="__main__", alter_sys=True)
"""


class Births:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.modes: dict[str, int] = {}
        self.overflowed = False
        self._libc = ctypes.CDLL("libc.so.6", use_errno=True)
        self._watches: dict[int, Path] = {}
        self._stop = threading.Event()

    def __enter__(self) -> Births:
        self._fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self._watch(self.root)
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._drain()
        os.close(self._fd)

    def open_to_others(self) -> list[str]:
        """Entries born with any permission for group or others."""
        return sorted(f"{rel} {stat.filemode(mode)}" for rel, mode in self.modes.items()
                      if mode & 0o077)

    def _watch(self, folder: Path) -> None:
        wd = self._libc.inotify_add_watch(self._fd, os.fsencode(folder),
                                          IN_CREATE | IN_MOVED_TO)
        if wd >= 0:
            self._watches[wd] = folder
        for child in folder.iterdir() if folder.is_dir() else []:  # born before the watch
            self._born(child)

    def _born(self, path: Path) -> None:
        try:
            mode = path.lstat().st_mode
        except FileNotFoundError:  # gone already (a temporary file)
            return
        self.modes.setdefault(path.relative_to(self.root).as_posix(), mode)
        if stat.S_ISDIR(mode):
            self._watch(path)

    def _loop(self) -> None:
        poller = select.poll()
        poller.register(self._fd, select.POLLIN)
        while not self._stop.is_set():
            if poller.poll(20):
                self._drain()

    def _drain(self) -> None:
        while True:
            try:
                buf = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                return
            at = 0
            while at < len(buf):
                wd, mask, _cookie, length = _EVENT.unpack_from(buf, at)
                name = buf[at + _EVENT.size: at + _EVENT.size + length].rstrip(b"\0")
                at += _EVENT.size + length
                if mask & IN_Q_OVERFLOW:
                    self.overflowed = True
                elif wd in self._watches and name:
                    self._born(self._watches[wd] / os.fsdecode(name))
