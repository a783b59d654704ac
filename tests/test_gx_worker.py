"""The Great Expectations worker process: validates, survives nothing it should not."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa

from data_contracts import extract_contracts
from pipelines.ingest import gx_worker
from pipelines.ingest.extract import PROFILE, _validate

ROOT = Path(__file__).resolve().parents[1]


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in state  # exited; its new parent has not reaped it yet


def test_the_worker_validates_and_is_reused():
    frame = pa.table({PROFILE: [1, 2], "child_id": [1.0, None], "academic_year": ["2024/25"] * 2,
                      "term": ["AUT", "XYZ"], "sessions_possible": [10.0, 10.0],
                      "sessions_missed": [1.0, 11.0]})
    contract = extract_contracts()["attendance"]
    pool = gx_worker.executor()
    failures = pool.submit(_validate, contract, frame, dt.date(2025, 1, 1)).result()
    # a missing child_id is ingest's to find in DuckDB, not GX's (rules.required_failures;
    # tests/test_contracts.py holds the two to the same rows)
    assert sorted(failures) == [(2, "out_of_range", "sessions_missed"),
                                (2, "unknown_code", "term")]
    assert gx_worker.executor() is pool


def test_the_worker_leaves_when_its_parent_is_killed(tmp_path):
    script = tmp_path / "parent.py"  # no __main__ guard: the worker must not re-run it
    script.write_text(
        "import time\n"
        "from pipelines.ingest import gx_worker\n"
        "pool = gx_worker.executor()\n"
        "pool.submit(int).result()\n"
        "print(*pool._processes, flush=True)\n"
        "time.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        worker = int(parent.stdout.readline())
        assert not _gone(worker)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while not _gone(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(worker), "the GX worker outlived its killed parent"
    finally:
        parent.kill()


class _MarkOnTeardown:
    """Writes its file when the interpreter tears its modules down."""

    def __init__(self, path):
        self.path = path
        self.create = os.open  # held here: a module's names may be gone by teardown

    def __del__(self):
        self.create(self.path, os.O_CREAT | os.O_WRONLY, 0o600)


_kept = []


def _keep_a_mark(path) -> int:
    _kept.append(_MarkOnTeardown(path))
    return os.getpid()


def test_stop_ends_the_worker_at_once_and_the_next_ingest_starts_another(tmp_path):
    pool = gx_worker.executor()
    mark = tmp_path / "torn-down"
    pid = pool.submit(_keep_a_mark, str(mark)).result()
    workers = list(pool._processes.values())
    assert [w.pid for w in workers] == [pid]
    gx_worker.stop()
    for process in workers:
        process.join(10)
        # told to leave, not killed (a killed worker can leave a semaphore behind) ...
        assert process.exitcode == 0
        assert _gone(process.pid)
    # ... and gone without tearing its modules down (seconds once GX is loaded)
    assert not mark.exists()
    gx_worker.stop()  # nothing to stop: no error
    again = gx_worker.executor()
    assert again is not pool and again.submit(int).result() == 0
