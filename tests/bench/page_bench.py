"""Time every dashboard page with AppTest: ``python -m tests.bench.page_bench --db FILE``.

For each page: the first (cold-cache) render, then ``--runs`` interactions
(a widget change and rerun, as a user clicking), and prints p50 / p95 in
seconds. Run it on the 300,000-children database (``make bench`` builds one):
the target is p95 < 1 s for every page. Without ``--db`` it builds a
partnership with ``lscp demo --no-serve`` first (``--children``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"

# page -> (widget key, how to pick the next value from its options)
PAGES = {
    "views/scorecard.py": "sc_strategy",
    "views/explorer.py": "ex_indicator",
    "views/localities.py": "loc_period",
    "views/agency.py": "ag_agency",
    "views/strategies.py": None,
    "views/data_quality.py": "dq_run",
    "views/about.py": None,
}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def _choices(key: str | None) -> list:
    """The raw values behind a page's main select box (AppTest wants values, not labels)."""
    from dashboard import data

    if key is None:
        return []
    return {
        "sc_strategy": lambda: ["All strategies", *dict.fromkeys(data.strategies()["strategy"])],
        "ex_indicator": lambda: list(data.catalogue()["indicator_id"]),
        "loc_period": lambda: data.periods("monthly")[:12],
        "ag_agency": lambda: list(data.agencies()["agency_code"]),
        "dq_run": lambda: list(data.runs()["run_id"].astype(str)),
    }[key]()


def bench(db: Path, runs: int) -> list[dict]:
    os.environ["LSCP_DB"] = str(db)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(APP), default_timeout=120)
    start = time.perf_counter()
    at.run()
    startup = time.perf_counter() - start
    results = [{"page": "app start (first run, cold)", "cold": startup, "p50": startup,
                "p95": startup, "n": 1}]
    for page, key in PAGES.items():
        start = time.perf_counter()
        at.switch_page(page).run()
        cold = time.perf_counter() - start
        if at.exception:
            raise SystemExit(f"{page} failed: {at.exception[0].value}")
        times = []
        options = _choices(key)
        for i in range(runs):
            start = time.perf_counter()
            if key:
                box = at.selectbox(key=key)
                box.set_value(options[(i + 1) % len(options)]).run()
            else:
                at.run()
            times.append(time.perf_counter() - start)
            if at.exception:
                raise SystemExit(f"{page} failed: {at.exception[0].value}")
        results.append({"page": page, "cold": cold, "p50": statistics.median(times),
                        "p95": _percentile(times, 95), "n": runs})
    return results


BROWSER_PAGES = [("Board scorecard", "Board scorecard"), ("Indicator explorer", "Indicator explorer"),
                 ("Localities", "Localities"), ("Agency view", "Agency view"),
                 ("Strategies", "Strategies"), ("Data quality", "Data quality"),
                 ("About", "About this dashboard")]


def browser_bench(db: Path, runs: int) -> list[dict]:
    """Click through the sidebar in chromium: click -> page drawn and the script finished."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Server, open_app

    server = Server(db, Path(tempfile.mkdtemp(prefix="lscp-browser-bench-")))
    times: dict[str, list[float]] = {link: [] for link, _ in BROWSER_PAGES}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_app(page, server.url + "/", "Board scorecard")
            for round_ in range(runs + 1):
                for link, heading in BROWSER_PAGES:
                    start = time.perf_counter()
                    page.get_by_role("link", name=link, exact=True).first.click()
                    page.get_by_role("heading", name=heading, level=1).first.wait_for()
                    page.wait_for_function(
                        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
                    if round_:  # the first round fills the caches
                        times[link].append(time.perf_counter() - start)
            browser.close()
    finally:
        server.stop()
    return [{"page": f"browser: {link}", "cold": float("nan"), "p50": statistics.median(t),
             "p95": _percentile(t, 95), "n": len(t)} for link, t in times.items()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a published database (default: build one)")
    parser.add_argument("--children", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--browser", action="store_true",
                        help="also time page changes in chromium (lscp serve + Playwright)")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    db = args.db
    if db is None:
        work = Path(tempfile.mkdtemp(prefix="lscp-page-bench-"))
        print(f"building a partnership of {args.children:,} children in {work}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "lscp_cli", "demo", "--no-serve", "--work",
                        str(work), "--children", str(args.children)], check=True, cwd=ROOT)
        db = work / "lscp.duckdb"
    results = bench(db.resolve(), args.runs)
    if args.browser:
        results += browser_bench(db.resolve(), max(3, args.runs // 4))
    print(f"{'page':32} {'cold s':>8} {'p50 s':>8} {'p95 s':>8}  runs")
    for r in results:
        print(f"{r['page']:32} {r['cold']:8.3f} {r['p50']:8.3f} {r['p95']:8.3f}  {r['n']}")
    slow = [r["page"] for r in results[1:] if r["p95"] >= 1.0]
    print("p95 under 1 s on every page" if not slow else f"p95 of 1 s or more: {slow}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
