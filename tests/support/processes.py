"""Shared helpers for the process-level run tests (test_publish_process.py,
test_concurrency.py, test_schedule.py): a small generated partnership and one published
database, each built once per test session, and a way to run ``lscp`` as a real process.

Those tests are grouped on one xdist worker (``xdist_group("lscp_process")``) so the
partnership is generated once; the memo below makes that true even when two modules import
these helpers.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
KEY = "70726f636573732d746573742d6b65792d6e6f742d736563726574"
GROUP = "lscp_process"
_memo: dict[str, object] = {}


def lscp_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LSCP_") and k != "PYTEST_XDIST_WORKER"}
    # but the suite's word on the disclosure audit (tests/conftest.py: off, minutes of CPU a
    # run, unless `LSCP_DISCLOSURE_AUDIT=1 make test`): none of these tests reads it
    if "LSCP_DISCLOSURE_AUDIT" in os.environ:
        env["LSCP_DISCLOSURE_AUDIT"] = os.environ["LSCP_DISCLOSURE_AUDIT"]
    # no board packs after a publish unless a test asks (LSCP_PACKS_AT_PUBLISH="1"): these
    # tests read the published database, the run history and the lock, never the packs
    env.update(LSCP_KEY=KEY, PYTHONUNBUFFERED="1", LSCP_PACKS_AT_PUBLISH="0")
    env.update(extra)
    # tests.support.paused_cli must be importable from any working folder
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _command(env: dict | None) -> list[str]:
    """``lscp``, or the wrapper that pauses a run where a process test asks it to."""
    wrapped = env is not None and env.get("LSCP_TEST_PAUSE_AT")
    return [sys.executable, "-m", "tests.support.paused_cli" if wrapped else "lscp_cli"]


def lscp(*args: str, cwd: Path, env: dict | None = None, timeout: float = 600,
         **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*_command(env), *map(str, args)],
                          cwd=cwd, env=env or lscp_env(), capture_output=True, text=True,
                          timeout=timeout, **kw)


def start_lscp(*args: str, cwd: Path, env: dict | None = None, **kw) -> subprocess.Popen:
    return subprocess.Popen([*_command(env), *map(str, args)],
                            cwd=cwd, env=env or lscp_env(), text=True, **kw)


def partnership(factory) -> tuple[Path, Path]:
    """(inbox, seeds) of a small synthetic partnership; generate once per session.

    Two years (April 2023 to March 2025): every as-at date these tests run at (December 2024
    to March 2025) has monthly figures, and each run costs ~25% less CPU than over three
    years (the metrics and SPC work grow with the months; the children hardly matter)."""
    if "partnership" not in _memo:
        from pipelines.synthetic import generate

        out = factory.mktemp("partnership")
        generate(out, seed=1, children=3000, years=2, faults=False, end_date=dt.date(2025, 3, 31))
        _memo["partnership"] = (out / "inbox", out / "seeds")
    return _memo["partnership"]  # type: ignore[return-value]


def published(factory) -> Path:
    """A database published by a real ``lscp run`` over the partnership (read: copy it);
    without the packs built after publishing, which no test of it reads."""
    if "published" not in _memo:
        inbox, seeds = partnership(factory)
        folder = factory.mktemp("published")
        db = folder / "lscp.duckdb"
        result = lscp("run", "--inbox", inbox, "--db", db, "--seeds", seeds, cwd=folder,
                      env=lscp_env())
        assert result.returncode == 0, result.stderr
        _memo["published"] = db
    return _memo["published"]  # type: ignore[return-value]


def copy_published(factory, folder: Path) -> Path:
    """A private copy of the published database (with its history, its working database and
    its checks' kept answers) in ``folder``."""
    src = published(factory)
    db = folder / "lscp.duckdb"
    shutil.copy2(src, db)
    shutil.copy2(Path(str(src) + ".work"), Path(str(db) + ".work"))
    shutil.copy2(Path(str(src) + ".history.jsonl"), Path(str(db) + ".history.jsonl"))
    # and the contract checks' kept answers: a run over the same files starts no GX worker
    checks = Path(str(src) + ".work.gx-checks")
    if checks.exists():
        shutil.copy2(checks, Path(str(db) + ".work.gx-checks"))
    return db


def read_live(db: Path, sql: str) -> list[tuple]:
    """Query the live file the way the dashboard does: in-memory + ATTACH READ_ONLY."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach '{db}' as live (read_only)")
        con.execute("use live")
        return con.execute(sql).fetchall()
    finally:
        con.close()


def live_run_id(db: Path) -> str:
    return read_live(db, "select value from meta where key = 'run_id'")[0][0]
