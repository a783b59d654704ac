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

import atexit
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


def _worker_setup(parent: int) -> None:
    """Runs in the worker when it starts.

    It leaves when the ingest process is gone: a killed parent (kill -9, out of memory)
    cannot tell its pool to stop, and the worker would wait for ever.

    And when it is told to stop, it leaves without tearing down the thousands of modules GX
    and SciPy brought in (measured: 3.9-4.7 s before a run could end on a busy 2-core
    machine). A spawned process ends with an ordinary interpreter exit; multiprocessing has
    already run its own finalizers by then (its queues' semaphores released), so the exit
    handler registered here, the last one registered and so the first to run, ends the
    process at once."""
    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
    atexit.register(os._exit, 0)


def _new_executor() -> ProcessPoolExecutor:
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_setup, initargs=(os.getpid(),))
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
    """Stop the worker, for a process whose runs are over (``lscp run``): it is told to
    leave, finishes no queued check (there are none left to want) and exits without its
    interpreter's slow teardown (``_worker_setup``): 0.1-0.4 s. It is not killed: a killed
    worker can leave the pool's queues half-used and a semaphore that the resource tracker
    reports as leaked at exit. The next ingest starts a new worker."""
    shutdown()
