"""Readers and writers at the same time, as real processes.

A reader process queries the live database in a loop, the way the dashboard does (in-memory
DuckDB + ATTACH READ_ONLY, re-attached when the file's inode changes), while three runs publish
with different as-at dates (each swap is the moment a reader could trip: three of them show it
as ten did, in 30% of the time; the runs start no GX worker, their files' checks kept from
the published run). It must see no error at all, and every run's own figures.
Two overlapping ``lscp run``s: the second is refused naming the first, or waits for it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pytest

from pipelines.run import history
from tests.support.processes import (
    GROUP,
    ROOT,
    copy_published,
    live_run_id,
    lscp,
    lscp_env,
    partnership,
    read_live,
    start_lscp,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(GROUP)]

READER = textwrap.dedent("""
    import json, os, sys, time, duckdb
    db, stop, out = sys.argv[1:4]
    con = duckdb.connect(":memory:")
    sig = None
    seen, errors, queries, attaches, near, idle = {}, [], 0, 0, 0, 0
    while not os.path.exists(stop):
        try:
            st = os.stat(db)
            now = (st.st_ino, st.st_mtime_ns, st.st_size)
            # query every 10 ms while a swap is near (the new file being built beside the
            # live one) and for half a second after it; else every 100 ms (the runs' other
            # stages, where nothing changes under the reader)
            if now != sig or os.path.exists(db + ".building"):
                near = 50
            if near:
                near -= 1
            else:
                idle += 1
                if idle % 10:
                    time.sleep(0.01)
                    continue
            if now != sig:  # the pipeline swapped a new file in: close the old, attach the new
                if sig is not None:
                    con.execute("use memory")
                    con.execute("detach live")
                con.execute(f"attach '{db}' as live (read_only)")
                con.execute("use live")
                sig, attaches = now, attaches + 1
            run_id, as_at, newest, n = con.execute(
                "select (select value from meta where key = 'run_id'), "
                "(select value from meta where key = 'as_at'), "
                "(select max(period_end)::varchar from indicator_values "
                " join indicator_catalogue using (indicator_id) where frequency = 'monthly'), "
                "(select count(*) from indicator_values)").fetchall()[0]
            seen.setdefault(run_id, [as_at, newest, n])
            queries += 1
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        time.sleep(0.01)
    json.dump({"seen": seen, "errors": errors, "queries": queries, "attaches": attaches},
              open(out, "w"))
""")

DRIVER = textwrap.dedent("""
    import datetime as dt, json, sys, time
    from pathlib import Path
    from lscp_core.settings import Settings
    from pipelines.run import run_pipeline
    inbox, seeds, db = map(Path, sys.argv[1:4])
    for as_at in sys.argv[4:]:
        t0 = time.perf_counter()
        r = run_pipeline(inbox=inbox, db=db, seeds=seeds, as_at=dt.date.fromisoformat(as_at),
                         settings=Settings())
        print(json.dumps({"run_id": r.run_id, "as_at": str(r.as_at), "swap_ms": r.swap_ms,
                          "seconds": time.perf_counter() - t0}), flush=True)
""")

MONTH_ENDS = ["2025-01-31", "2025-02-28", "2025-03-31"]


def test_a_reader_sees_no_error_and_every_new_database_while_three_runs_publish(
        tmp_path_factory, tmp_path):
    inbox, seeds = partnership(tmp_path_factory)
    db = copy_published(tmp_path_factory, tmp_path)
    (tmp_path / "reader.py").write_text(READER)
    (tmp_path / "driver.py").write_text(DRIVER)
    stop, out = tmp_path / "stop", tmp_path / "reader.json"
    reader = subprocess.Popen([sys.executable, tmp_path / "reader.py", db, stop, out])
    time.sleep(0.5)
    driver = subprocess.run([sys.executable, tmp_path / "driver.py", inbox, seeds, db,
                             *MONTH_ENDS], cwd=ROOT, env=lscp_env(), capture_output=True,
                            text=True, timeout=900)
    time.sleep(0.3)
    stop.touch()
    reader.wait(30)
    assert driver.returncode == 0, driver.stderr[-3000:]
    runs = [json.loads(x) for x in driver.stdout.splitlines()]
    report = json.loads(out.read_text())

    assert report["errors"] == []
    assert len(runs) == len(MONTH_ENDS) and report["attaches"] >= len(MONTH_ENDS)
    for run in runs:  # each swap was seen, with that run's own figures
        as_at, newest, n = report["seen"][run["run_id"]]
        assert as_at == run["as_at"] == newest
        assert n > 0
    assert live_run_id(db) == runs[-1]["run_id"]
    swaps = sorted(r["swap_ms"] for r in runs)
    seconds = ", ".join(f"{r['seconds']:.1f}" for r in runs)
    print(f"\nswap ms: median {swaps[len(swaps) // 2]:.2f}, max {swaps[-1]:.2f}; reader: "
          f"{report['queries']} queries, {report['attaches']} attaches, 0 errors; "
          f"run seconds: {seconds}")
    assert swaps[-1] < 1000


def test_a_second_run_is_refused_then_a_waiting_run_goes_after_the_first(tmp_path_factory,
                                                                          tmp_path):
    inbox, seeds = partnership(tmp_path_factory)
    db = copy_published(tmp_path_factory, tmp_path)
    release = tmp_path / "release"
    args = ("run", "--inbox", inbox, "--db", db, "--seeds", seeds, "--quiet")
    first = start_lscp(*args, cwd=tmp_path, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                       env=lscp_env(LSCP_TEST_PAUSE_AT="metrics", LSCP_TEST_PAUSE_SECONDS="600",
                                    LSCP_TEST_RELEASE_FILE=str(release)))
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and "paused at metrics" not in first.stderr.readline():
        pass
    try:
        refused = lscp(*args, cwd=tmp_path)
        assert refused.returncode == 75
        assert f"pid {first.pid}" in refused.stderr and "try again later" in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1

        waiting = start_lscp(*args, cwd=tmp_path, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, env=lscp_env(LSCP_LOCK_WAIT="600"))
        time.sleep(1.5)
        assert waiting.poll() is None  # waiting for the lock, not refused
    finally:
        release.touch()
    assert first.wait(600) == 0
    first.stderr.close()
    _out, err = waiting.communicate(timeout=600)
    assert waiting.returncode == 0, err
    published = [r for r in history.read(db) if r["status"] == "published"]
    a, b = published[-2], published[-1]  # both published, one after the other
    assert a["finished_at"] <= b["started_at"]
    assert live_run_id(db) == b["run_id"]
    assert read_live(db, "select count(*) from indicator_values")[0][0] > 0
