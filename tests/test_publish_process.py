"""Real ``lscp run`` processes over a small generated partnership: kill -9 at several points,
broken seeds, a missing inbox. Whatever happens, the live database opens and holds the last
good run's figures, and the failure is in the history."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from pipelines.run import history, publish
from tests.support.processes import (
    GROUP,
    copy_published,
    live_run_id,
    lscp,
    lscp_env,
    partnership,
    read_live,
    start_lscp,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(GROUP)]


def _figures(db: Path) -> list[tuple]:
    return read_live(db, "select indicator_id, period_end, locality, agency, numerator "
                         "from indicator_values order by all")


def _wait_for(proc: subprocess.Popen, marker: str, timeout: float = 600) -> None:
    """Read the child's stderr until ``marker`` shows up (it then sleeps there)."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        if marker in line:
            return
    proc.kill()
    raise AssertionError(f"never reached {marker!r}: {''.join(seen)[-2000:]}")


def test_kill_9_mid_run_leaves_the_previous_database_in_force(tmp_path_factory, tmp_path):
    """Kill -9 while loading files, after the metrics, and between backup and swap: the live
    database still opens with the previous run's figures; the next run cleans up, records
    the three killed runs as failed, and publishes."""
    inbox, seeds = partnership(tmp_path_factory)
    db = copy_published(tmp_path_factory, tmp_path)
    before_id, before = live_run_id(db), _figures(db)
    killed = []
    for stage in ("ingest", "metrics", "publish"):
        proc = start_lscp("run", "--inbox", inbox, "--db", db, "--seeds", seeds, "--as-at",
                          "2024-12-31", cwd=tmp_path, stderr=subprocess.PIPE,
                          stdout=subprocess.DEVNULL,
                          env=lscp_env(LSCP_TEST_PAUSE_AT=stage, LSCP_TEST_PAUSE_SECONDS="60"))
        _wait_for(proc, f"paused at {stage}")
        # a partial build is there (the working store's; at "publish" the published one too)
        assert publish.building_path(publish.work_path(db)).exists()
        assert publish.building_path(db).exists() is (stage == "publish")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        proc.stderr.close()

        assert live_run_id(db) == before_id, stage
        assert _figures(db) == before, stage
        if stage == "publish":  # killed between keeping the backup and the swap
            assert live_run_id(publish.backup_path(db)) == before_id
        last = history.read(db)[-1]
        assert last["status"] == "running" and last["run_id"] != before_id
        killed.append(last["run_id"])

    result = lscp("run", "--inbox", inbox, "--db", db, "--seeds", seeds, "--quiet",
                  cwd=tmp_path, env=lscp_env())
    assert result.returncode == 0, result.stderr
    assert not _builds(db)
    runs = dict(read_live(db, "select run_id, status from runs"))
    assert [runs[r] for r in killed] == ["failed"] * 3
    assert runs[live_run_id(db)] == "published" and live_run_id(db) not in killed
    final = {r["run_id"]: r for r in history.read(db)}
    assert all("interrupted" in final[r]["message"] for r in killed)


def _builds(db):
    """Partial builds left beside the published or the working database."""
    return [p for p in (publish.building_path(db), publish.building_path(publish.work_path(db)))
            if p.exists()]


def test_broken_seeds_exit_non_zero_with_one_line_and_keep_the_database(tmp_path_factory,
                                                                        tmp_path):
    inbox, seeds = partnership(tmp_path_factory)
    db = copy_published(tmp_path_factory, tmp_path)
    before_id, before = live_run_id(db), _figures(db)
    broken = tmp_path / "seeds"
    broken.mkdir()
    for f in seeds.iterdir():
        (broken / f.name).write_bytes(f.read_bytes())
    targets = broken / "targets.csv"
    lines = targets.read_text(encoding="utf-8").splitlines()
    targets.write_text("\n".join(lines[:1] + ["no_such_indicator,xx,yy,zz"] + lines[1:]) + "\n",
                       encoding="utf-8")

    result = lscp("run", "--inbox", inbox, "--db", db, "--seeds", broken, "--quiet",
                  cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    error_lines = [x for x in result.stderr.splitlines() if x.startswith("lscp run: error:")]
    assert len(error_lines) == 1 and "targets" in error_lines[0]
    assert live_run_id(db) == before_id and _figures(db) == before
    last = history.read(db)[-1]
    assert last["status"] == "failed" and "targets" in last["message"]
    assert not _builds(db)


def test_missing_inbox_exits_non_zero_and_is_recorded(tmp_path_factory, tmp_path):
    _inbox, seeds = partnership(tmp_path_factory)
    db = copy_published(tmp_path_factory, tmp_path)
    before_id = live_run_id(db)
    result = lscp("run", "--inbox", tmp_path / "unmounted-share", "--db", db, "--seeds", seeds,
                  cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"lscp run: error: inbox {tmp_path / 'unmounted-share'} does not exist"]
    assert live_run_id(db) == before_id
    last = history.read(db)[-1]
    assert last["status"] == "failed" and "does not exist" in last["message"]
    assert json.loads(history.history_path(db).read_text().splitlines()[-1])["finished_at"]


def test_sigterm_mid_run_cleans_up_and_records_the_run(tmp_path_factory, tmp_path):
    """systemd/docker stop a run with SIGTERM: partial build removed, run recorded failed."""
    inbox, seeds = partnership(tmp_path_factory)
    db = copy_published(tmp_path_factory, tmp_path)
    before_id = live_run_id(db)
    proc = start_lscp("run", "--inbox", inbox, "--db", db, "--seeds", seeds, cwd=tmp_path,
                      stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                      env=lscp_env(LSCP_TEST_PAUSE_AT="ingest"))
    _wait_for(proc, "paused at ingest")
    proc.send_signal(signal.SIGTERM)
    err = proc.stderr.read()
    assert proc.wait(30) == 130, err
    assert "lscp run: interrupted" in err and "Traceback" not in err
    assert not _builds(db)
    assert live_run_id(db) == before_id
    last = history.read(db)[-1]
    assert last["status"] == "failed" and "interrupted" in last["message"]
