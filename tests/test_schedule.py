"""``lscp schedule`` as a real process: an interval schedule for a few cycles, and
--on-new-files picking up a dropped extract (by SHA-256: a renamed copy is not new)."""

from __future__ import annotations

import re
import shutil
import subprocess
import time

import pytest

from pipelines.run import history
from pipelines.schedule.scheduler import InboxWatcher, log_line, parse_interval
from tests.support.processes import (
    GROUP,
    copy_published,
    live_run_id,
    lscp,
    partnership,
    start_lscp,
)

LINE = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ lscp (\w+=("(\\.|[^"\\])*"|[^\s"]+) ?)+$')


def _status_lines(stdout: str, status: str) -> list[str]:
    return [x for x in stdout.splitlines() if f" status={status} " in x + " "]


def test_interval_parsing_and_log_lines():
    assert parse_interval("15m", "--every") == 900
    assert parse_interval("2s", "--every") == 2
    assert parse_interval("1d", "--every") == 86400
    with pytest.raises(Exception, match="not an interval"):
        parse_interval("soon", "--every")
    line = log_line(run_id="r1", status="failed", message="seeds/targets.csv: line 2: bad")
    assert LINE.match(line)
    assert 'message="seeds/targets.csv: line 2: bad"' in line


def test_watcher_knows_files_by_content_and_waits_for_them_to_settle(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watcher = InboxWatcher(inbox, tmp_path / "none.duckdb")
    (inbox / "children_2025-03.csv").write_text("child_id\nA\n")
    (inbox / "notes.txt").write_text("not an extract")
    assert watcher.new_files() == {}  # first sight: may still be copying
    new = watcher.new_files()
    assert list(new) == ["children_2025-03.csv"]
    watcher.mark_seen()
    shutil.copy(inbox / "children_2025-03.csv", inbox / "children_2025-04.csv")
    watcher.new_files()
    assert watcher.new_files() == {}  # same bytes under a new name: not new
    (inbox / "children_2025-04.csv").write_text("child_id\nB\n")
    watcher.new_files()
    assert list(watcher.new_files()) == ["children_2025-04.csv"]


def test_cli_refuses_a_schedule_without_a_when(tmp_path):
    result = lscp("schedule", "--inbox", tmp_path, "--db", tmp_path / "x.duckdb", cwd=tmp_path)
    assert result.returncode == 2 and "say when to run" in result.stderr
    result = lscp("schedule", "--inbox", tmp_path, "--db", tmp_path / "x.duckdb", "--cron",
                  "every night", cwd=tmp_path)
    assert result.returncode == 2 and "not a cron expression" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.xdist_group(GROUP)
def test_every_2s_runs_the_pipeline_a_few_times(tmp_path_factory, tmp_path):
    inbox, seeds = partnership(tmp_path_factory)
    db = copy_published(tmp_path_factory, tmp_path)
    before = live_run_id(db)
    result = lscp("schedule", "--inbox", inbox, "--db", db, "--seeds", seeds, "--every", "2s",
                  "--max-runs", "2", cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(LINE.match(x) for x in lines), lines
    published = _status_lines(result.stdout, "published")
    assert len(published) == 2 and all("trigger=interval" in x for x in published)
    run_ids = [re.search(r"run_id=(\S+)", x).group(1) for x in published]
    assert live_run_id(db) == run_ids[-1] != before
    assert [r["run_id"] for r in history.read(db)][-2:] == run_ids
    assert "status=scheduler-stopped" in lines[-1]


@pytest.mark.slow
@pytest.mark.xdist_group(GROUP)
def test_on_new_files_picks_up_a_dropped_extract(tmp_path_factory, tmp_path):
    src_inbox, seeds = partnership(tmp_path_factory)
    inbox = tmp_path / "inbox"
    shutil.copytree(src_inbox, inbox)
    db = copy_published(tmp_path_factory, tmp_path)
    before = live_run_id(db)
    proc = start_lscp("schedule", "--inbox", inbox, "--db", db, "--seeds", seeds,
                      "--on-new-files", "--poll", "0.5s", "--max-runs", "1", cwd=tmp_path,
                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(3)  # several polls: the files already loaded are not new
        assert proc.poll() is None and live_run_id(db) == before
        children = sorted(inbox.glob("children_*"))[-1]
        dropped = inbox / f"children_2099-01-01{children.suffix}"
        data = children.read_bytes()
        # a new delivery: other bytes (a trailing blank line is ignored by ingest)
        dropped.write_bytes(data + (b"\r\n" if b"\r\n" in data else b"\n"))
        out, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    published = _status_lines(out, "published")
    assert len(published) == 1 and "trigger=new-files" in out and dropped.name in out
    assert live_run_id(db) != before
    assert re.search(r"run_id=(\S+)", published[0]).group(1) == live_run_id(db)


def test_sigterm_stops_the_scheduler_cleanly(tmp_path):
    """``docker stop`` sends SIGTERM: the scheduler says so and exits 0."""
    import signal

    (tmp_path / "inbox").mkdir()
    proc = start_lscp("schedule", "--inbox", tmp_path / "inbox", "--db", tmp_path / "x.duckdb",
                      "--cron", "30 2 * * *", cwd=tmp_path, stdout=subprocess.PIPE,
                      stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    assert "status=scheduler-started" in first and 'cron="30 2 * * *"' in first
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "status=stopping" in out and "status=scheduler-stopped runs=0" in out
