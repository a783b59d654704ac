"""`make bench`: the figures the issues set targets for, measured on this machine.

    python -m tests.bench.run_bench [--children 300000] [--large 2000000] [--work bench-work]

1. `lscp generate` of the partnership (target: 300,000 children in < 120 s);
2. ingest + validate alone (target < 12 s, peak < 2 GB);
3. a full `lscp run` (target < 20 s, peak < 3 GB), with the time and rows of each stage;
4. a second `lscp run` on the same inbox (nothing new is loaded);
5. every dashboard page (target p95 < 1 s);
6. with `--large N`: generation and a full run of an N-children consortium (2,000,000: < 3 min, < 16 GB).
7. the same partnership as CIN census XML + SSDA903 and as SSD tables: ingest + validate
   (target: at most 2x the CSV ingest, peak < 1.5 GB). `--formats-only` runs 1 and 7 alone.

Each step runs in its own process so its peak memory (ru_maxrss from wait4) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LSCP = [sys.executable, "-m", "pipelines.cli"]


def measure(cmd: list[str], env: dict | None = None) -> dict:
    """Run cmd, return wall seconds, peak RSS (MB) and its output."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        print(output[-3000:], file=sys.stderr)
        raise SystemExit(f"bench: {' '.join(cmd[2:4])} failed with exit {proc.returncode}")
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "output": output}


def verdict(value: float, target: float) -> str:
    return "ok" if value < target else "OVER TARGET"


def line(label: str, seconds: float, peak_mb: float, target_s: float, target_mb: float) -> None:
    print(f"{label:<44} {seconds:7.1f} s  (target < {target_s:g} s: {verdict(seconds, target_s)})"
          f"   peak {peak_mb:6.0f} MB  (target < {target_mb:g} MB: {verdict(peak_mb, target_mb)})",
          flush=True)


def stage_lines(output: str) -> list[str]:
    """The per-stage progress lines `lscp run` prints (`[stage] ... (N.Ns)`)."""
    return [ln for ln in output.splitlines() if ln.startswith("[") and ln.rstrip().endswith("s)")]


def partnership(work: Path, children: int, env: dict, target_s: float,
                fmt: str = "csv") -> Path:
    out = work / (f"p{children}" if fmt == "csv" else f"p{children}-{fmt}")
    result = measure([*LSCP, "generate", "--out", str(out), "--children", str(children),
                      "--seed", "7", "--format", fmt], env)
    rows = sum(1 for _ in out.glob("inbox/*"))
    size = sum(p.stat().st_size for p in (out / "inbox").iterdir()) / 1e6
    line(f"generate {children:,} children as {fmt} ({rows} files, {size:.0f} MB)",
         result["seconds"], result["peak_mb"], target_s, 4096)
    return out


def format_rows(work: Path, children: int, env: dict, csv_seconds: float) -> None:
    """Ingest + validate of the same partnership in the other formats, against the CSV's."""
    from tests.bench.ingest_bench import bench_ingest

    for fmt in ("census", "ssd"):
        out = partnership(work, children, env, 240, fmt)
        largest = max(p.stat().st_size for p in (out / "inbox").iterdir()) / 1e6
        figures = bench_ingest(inbox=out / "inbox", seeds=out / "seeds", work=work / f"i-{fmt}")
        line(f"ingest + validate as {fmt} (largest file {largest:.0f} MB)",
             figures["seconds"], figures["peak_rss_mb"], 2 * csv_seconds, 1536)
        print(f"    {fmt} / csv ingest time: {figures['seconds'] / csv_seconds:.2f}x "
              f"(target <= 2x)   " + json.dumps(figures.get("stages", {})), flush=True)


def full_run(out: Path, db: Path, env: dict, label: str, target_s: float, target_mb: float):
    result = measure([*LSCP, "run", "--inbox", str(out / "inbox"), "--seeds", str(out / "seeds"),
                      "--db", str(db)], env)
    line(label, result["seconds"], result["peak_mb"], target_s, target_mb)
    for stage in stage_lines(result["output"]):
        print(f"    {stage}")
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=300_000)
    parser.add_argument("--large", type=int, default=0, help="also run an N-children consortium")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--formats-only", action="store_true",
                        help="only the CSV ingest and the other formats' (census, SSD)")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, LSCP_KEY="bench-only-key-not-secret-32-bytes-long", PYTHONUNBUFFERED="1")
    print(f"lscp benchmark on {os.cpu_count()} cores; work folder {args.work}\n", flush=True)

    out = partnership(args.work, args.children, env, 120)

    from tests.bench.ingest_bench import bench_ingest

    figures = bench_ingest(inbox=out / "inbox", seeds=out / "seeds", work=args.work / "ingest")
    line(f"ingest + validate ({figures['rows_read']:,} rows, {figures['inbox_mb']} MB)",
         figures["seconds"], figures["peak_rss_mb"], 12, 2048)
    print("    " + json.dumps(figures.get("stages", {})))
    format_rows(args.work, args.children, env, figures["seconds"])
    if args.formats_only:
        return 0

    db = args.work / "lscp.duckdb"
    for stale in args.work.glob("lscp.duckdb*"):
        stale.unlink()
    full_run(out, db, env, "full lscp run (first)", 20, 3072)
    full_run(out, db, env, "full lscp run (same inbox again)", 20, 3072)

    if not args.skip_pages:
        # AppTest script times, then page changes timed in Debian's chromium
        result = measure([sys.executable, "-m", "tests.bench.page_bench", "--db", str(db),
                          "--runs", "10", "--browser"], env)
        print(result["output"].rstrip())

    if args.large:
        big = partnership(args.work, args.large, env, 600)
        full_run(big, args.work / "large.duckdb", env,
                 f"full lscp run ({args.large:,} children)", 180, 16384)
    return 0


if __name__ == "__main__":
    sys.exit(main())
