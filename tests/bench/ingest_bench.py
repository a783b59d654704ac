"""Benchmark: ingest + validate a large partnership; time per stage and peak memory.

    python -m tests.bench.ingest_bench [--children 300000] [--inbox DIR --seeds DIR] [--work DIR]

``bench_ingest(...)`` (what ``make bench`` calls) runs the ingest in a fresh subprocess so
the peak RSS is the ingest's own, and returns a dict of figures. Without ``--inbox`` it
writes the demo generator's partnership (pipelines.synthetic; tests.support.samples if
the generator is missing).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # `-m tests.bench...` needs the project root

TARGET_SECONDS = 12.0
TARGET_PEAK_MB = 2048


def _measure(inbox: Path, seeds: Path, db: Path) -> dict:
    """Run one ingest in this process (a fresh one) and report its figures."""
    import datetime as dt
    import resource
    import time

    import duckdb

    from pipelines.ingest import gx_worker, ingest

    size = sum(p.stat().st_size for p in inbox.iterdir() if p.is_file())
    started = time.perf_counter()
    con = duckdb.connect(str(db))
    result = ingest(con, inbox, seeds, run_id="bench", key=b"bench-key",
                    run_date=dt.date.today(), previous=None)
    con.execute("checkpoint")
    con.close()
    wall = time.perf_counter() - started
    gx_worker.shutdown()  # so that its peak memory is counted below
    usage = resource.getrusage(resource.RUSAGE_SELF)
    worker = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "inbox_mb": round(size / 1e6, 1),
        "rows_read": sum(r["rows_read"] for r in result.reports),
        "rows_loaded": result.rows_loaded,
        "rows_quarantined": result.rows_quarantined,
        "seconds": round(wall, 2),
        "stages": {k: round(v, 2) for k, v in result.seconds.items()},
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "gx_worker_cpu_seconds": round(worker.ru_utime + worker.ru_stime, 1),
        # the ingest process and its GX worker at their peaks (an upper bound on the sum)
        "peak_rss_mb": round((usage.ru_maxrss + worker.ru_maxrss) / 1024),
        "target_seconds": TARGET_SECONDS,
        "target_peak_mb": TARGET_PEAK_MB,
    }


def _write_partnership(base: Path, children: int) -> None:
    """The demo generator's partnership when it is there, else the simple sample one."""
    try:
        from pipelines.synthetic import generate
    except ImportError:
        generate = None
    if generate is not None:
        generate(base, seed=1, children=children, years=5, faults=False, progress=None)
        return
    from tests.support.samples import write_extracts, write_seeds

    write_seeds(base / "seeds")
    write_extracts(base / "inbox", children)


def bench_ingest(children: int = 300_000, inbox: Path | None = None, seeds: Path | None = None,
                 work: Path | None = None) -> dict:
    """Generate (if needed) and ingest a partnership in a subprocess; return the figures."""
    with tempfile.TemporaryDirectory(prefix="lscp-bench-") as tmp:
        base = Path(work or tmp)
        base.mkdir(parents=True, exist_ok=True)
        if inbox is None:
            inbox, seeds = base / "inbox", base / "seeds"
            if not any(inbox.glob("*.csv")):
                _write_partnership(base, children)
        out = subprocess.run(
            [sys.executable, "-m", "tests.bench.ingest_bench", "--measure", "--inbox", str(inbox),
             "--seeds", str(seeds), "--db", str(base / "bench.duckdb")],
            check=True, capture_output=True, text=True, cwd=ROOT)
        return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--children", type=int, default=300_000)
    p.add_argument("--inbox", type=Path)
    p.add_argument("--seeds", type=Path)
    p.add_argument("--work", type=Path)
    p.add_argument("--db", type=Path)
    p.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.measure:
        print(json.dumps(_measure(args.inbox, args.seeds, args.db)))
        return 0
    figures = bench_ingest(args.children, args.inbox, args.seeds, args.work)
    print(json.dumps(figures, indent=2))
    ok = figures["seconds"] < TARGET_SECONDS and figures["peak_rss_mb"] < TARGET_PEAK_MB
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
