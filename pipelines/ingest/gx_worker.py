"""Great Expectations runs in a worker process of its own, not on a thread of the ingest.

GX is Python and pandas: on a thread it holds the interpreter lock for long stretches, and
each of the ingest's DuckDB statements then waits its turn to return (measured: the
ingest process's own CPU time fell from 16-20 s to 10-12 s on the 300,000-children
partnership, the worker's is 6-8 s, mostly importing GX).
The worker is started when an ingest begins, imports GX at once (seconds, while DuckDB
reads the first files) and is kept for later ingests of the same process (the test
suite; a Python session that validates, then runs). The dashboard never starts it.

The worker is spawned, not forked: the ingest process runs DuckDB's threads, and a forked
copy of a threaded process can deadlock. A spawned child normally re-runs the parent's main
script first, which would start a whole second run from a script without an
``if __name__ == "__main__":`` guard; the worker needs nothing from the main script, so
it is started with the main module's name and path hidden.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from data_contracts import gx_suites

__all__ = ["BrokenProcessPool", "executor", "shutdown", "stop"]

_executor: ProcessPoolExecutor | None = None
_lock = threading.Lock()


@contextmanager
def _main_script_hidden():
    """While the worker starts, give multiprocessing no main script to re-run in it."""
    main = sys.modules["__main__"]
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if k in main.__dict__}
    main.__spec__ = None
    main.__dict__.pop("__file__", None)
    try:
        yield
    finally:
        main.__dict__.update(saved)


def _exit_with_parent(parent: int) -> None:
    """Runs in the worker: leave when the ingest process is gone. A killed parent (kill -9,
    out of memory) cannot tell its pool to stop, and the worker would wait for ever."""
    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _new_executor() -> ProcessPoolExecutor:
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_exit_with_parent, initargs=(os.getpid(),))
    with _main_script_hidden():
        pool.submit(gx_suites.preload)  # starts the worker (and its GX import) now
    return pool


def executor() -> ProcessPoolExecutor:
    """The GX worker, started on first use and again if it has died since."""
    global _executor
    with _lock:
        if _executor is not None:
            try:
                _executor.submit(int).result()  # alive and idle?
            except BrokenProcessPool:
                _executor = None
        if _executor is None:
            _executor = _new_executor()
        return _executor


def shutdown() -> None:
    """Stop the worker (the next ingest starts a new one)."""
    global _executor
    with _lock:
        if _executor is not None:
            _executor.shutdown(wait=True, cancel_futures=True)
            _executor = None


def stop() -> None:
    """Stop the worker at once, for a process whose runs are over (``lscp run``): it holds
    nothing to save, and a graceful exit first tears down the thousands of modules GX and
    SciPy brought in (measured: 3.9-4.7 s before the process could end on a busy 2-core
    machine, 0.15-0.4 s stopped this way). The next ingest starts a new worker."""
    global _executor
    with _lock:
        if _executor is None:
            return
        for process in list(getattr(_executor, "_processes", {}).values()):
            process.terminate()
        _executor.shutdown(wait=True, cancel_futures=True)
        _executor = None
