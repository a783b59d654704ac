"""The contract checks' answers kept between runs, so a run over files that have not changed
starts no Great Expectations worker at all (importing GX is seconds of CPU a process).

What GX is asked is one frame of profiles (pipelines/ingest/extract.py: each distinct
combination of the checked values, numbered) under one suite; its answer, the failing
profiles' (number, rule, column), is a function of exactly these: the suite's expectations
(the contract's rules as of the run date), the frame's bytes and the GX and lscp versions.
The key is the SHA-256 of all four, so a hit is the answer GX would give. The file keeps
keys and answers only (profile numbers, rule and column names): no value of any file.

The file sits beside the run's working database (``<work>.gx-checks``), is born owner-only
(lscp_core.private), and holds the answers this run used, so it never grows beyond one run's
frames. Runs never overlap (the run lock), and it is replaced whole, never half-written.
The process keeps the last ingest's answers too (the scheduler's next run; an ingest with no
file given, as the tests make hundreds of over the same seeds files).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from concurrent.futures import Executor, Future
from importlib import metadata
from pathlib import Path

import pyarrow as pa

from data_contracts import gx_suites
from lscp_core.private import open_private
from pipelines.ingest import gx_worker

VERSION = 2  # of this file's layout (2: the presence checks are DuckDB's, not in the frames)
_recent: dict[str, list] = {}  # the answers the last ingest of this process used


@functools.cache  # asked for every frame: the installed versions do not change in a run
def _versions() -> str:
    def of(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    return f"gx {of('great_expectations')}; lscp {of('lscp-dashboard')}; cache {VERSION}"


def frame_key(contract, frame: pa.Table, run_date) -> str:
    """SHA-256 of what the answer depends on: versions, the suite, the frame's bytes."""
    h = hashlib.sha256()
    h.update(_versions().encode())
    specs = gx_suites.gx_specs(contract, run_date, presence_in_sql=True)
    h.update(json.dumps([contract.kind, contract.name, specs], sort_keys=True,
                        default=str).encode())
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, frame.schema) as writer:
        writer.write_table(frame)
    h.update(sink.getvalue())
    return h.hexdigest()


def _load(path: Path | None) -> dict[str, list]:
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}  # unreadable: check again (the next run writes a good one)
    if not isinstance(data, dict) or data.get("versions") != _versions():
        return {}
    answers = data.get("answers")
    return answers if isinstance(answers, dict) else {}


class Checks(Executor):
    """The GX worker behind the kept answers: ``submit(fn, contract, frame, run_date)``
    returns a future of the failures, answered from the file when the same question was
    asked before, else by the worker, started on the first question it has to answer."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self.known = {**_load(path), **_recent}
        self.used: dict[str, list] = {}
        self._worker: Executor | None = None

    def _pool(self) -> Executor:
        # asked once per ingest: ``gx_worker.executor()`` checks the worker is alive by a
        # round trip that waits behind every question already queued, so asking it per
        # question would make each file's reading wait for the previous file's checks
        if self._worker is None:
            self._worker = gx_worker.executor()
        return self._worker

    def start_unless_kept(self, inbox: Path) -> None:
        """Start the worker now, so its GX import (seconds) runs while DuckDB reads the
        files, unless the kept answers probably answer every question: a file of them, and
        no file in the inbox newer than it. (A guess only decides when the worker starts:
        a question the answers do not hold still starts it.)"""
        if self.known and self.path is None:
            return  # the process's last ingest's answers (a test's many ingests of one file)
        if self.known and self.path.is_file():
            kept = self.path.stat().st_mtime
            try:
                newer = any(f.is_file() and f.stat().st_mtime > kept
                            for f in Path(inbox).rglob("*"))
            except OSError:
                newer = True
            if not newer:
                return
        self._pool()

    def submit(self, fn, contract, frame: pa.Table, run_date) -> Future:
        key = frame_key(contract, frame, run_date)
        if key in self.known:
            self.used[key] = self.known[key]
            done: Future = Future()
            done.set_result([tuple(x) for x in self.known[key]])
            return done
        future = self._pool().submit(fn, contract, frame, run_date)

        def keep(f: Future) -> None:
            if not f.cancelled() and f.exception() is None:
                self.used[key] = [list(x) for x in f.result()]

        future.add_done_callback(keep)
        return future

    def save(self) -> None:
        """Keep the answers this ingest used: in the process, and in the file (written
        whole, then swapped in)."""
        global _recent
        _recent = self.used
        if self.path is None:
            return
        tmp = Path(str(self.path) + ".tmp")
        with open_private(tmp, "w") as f:
            json.dump({"versions": _versions(), "answers": self.used}, f)
        os.replace(tmp, self.path)
