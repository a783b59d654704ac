"""The board pack's figures: ``python -m tests.bench.pack_bench --db FILE``.

- **newest month, served**: what the scorecard's pack button does when ``lscp run`` has kept
  the newest month's pack (dashboard.published_pack): check its inputs still hold and read
  the file (target < 1 s);
- **another month, built**: the pack of the month before, built as the button builds it
  (HTML, then PDF), in a fresh process (cold caches: the page would have warmed some), with
  its page count (target < 10 s).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
import warnings
from pathlib import Path

SERVED_TARGET = 1.0
BUILT_TARGET = 10.0


def bench(db: Path, role: str = "viewer") -> dict:
    os.environ["LSCP_DB"] = str(Path(db).resolve())
    warnings.filterwarnings("ignore")
    from streamlit import logger

    logger.set_log_level("error")
    import pandas as pd
    from pypdf import PdfReader

    from dashboard import boardpack, data, published_pack

    months = data.periods("monthly")
    start = time.perf_counter()
    kept = published_pack.kept(role, None, months[0], "last_year", "pdf")
    body = kept.read() if kept else b""
    served = time.perf_counter() - start
    served_pages = len(PdfReader(io.BytesIO(body)).pages) if body else 0
    other = pd.Timestamp(months[1])
    steps: list[tuple[str, float]] = []
    start = time.perf_counter()

    def step(what: str) -> None:
        steps.append((what, time.perf_counter() - start))

    html = boardpack.build(role, None, other, step=step)
    step("HTML done")
    html_s = time.perf_counter() - start
    pdf = boardpack.to_pdf(html, step)
    built = time.perf_counter() - start
    return {"served": served if kept else None, "served_pages": served_pages,
            "newest": f"{months[0]:%B %Y}", "other": f"{other:%B %Y}", "built": built,
            "html": html_s, "pdf": built - html_s,
            "built_pages": len(PdfReader(io.BytesIO(pdf)).pages), "steps": steps}


def report(f: dict, role: str = "viewer") -> bool:
    ok = f["served"] is not None and f["served"] < SERVED_TARGET and f["built"] < BUILT_TARGET
    if f["served"] is None:
        print(f"pack ({role}), newest month {f['newest']}: NOT KEPT (was it published by "
              "`lscp run`?)")
    else:
        print(f"pack ({role}), newest month {f['newest']}, served as kept: {f['served']:.3f} s "
              f"(target < {SERVED_TARGET:g} s), {f['served_pages']} pages")
    print(f"pack ({role}), {f['other']}, built on request: {f['built']:.1f} s "
          f"(target < {BUILT_TARGET:g} s: figures and HTML {f['html']:.1f} s, PDF "
          f"{f['pdf']:.1f} s), {f['built_pages']} pages; steps: "
          + ", ".join(f"{what} at {t:.1f} s" for what, t in f["steps"]), flush=True)
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--role", default="viewer")
    args = parser.parse_args(argv)
    return 0 if report(bench(args.db, args.role), args.role) else 1


if __name__ == "__main__":
    sys.exit(main())
