"""The contract checks' kept answers (pipelines/ingest/gx_cache.py): a second ingest of the
same files gives the same quarantine and load report without starting the GX worker; a
changed file or run date is checked again; the file keeps no value of any file."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat

import duckdb
import pytest

from pipelines.ingest import gx_cache, gx_worker, ingest
from pipelines.synthetic import generate

RUN_DATE = dt.date(2025, 4, 30)
KEY = b"test-key-not-secret"
# what differs between two ingests of the same files: the run, and how long it took
NOT_COMPARED = {"run_id", "loaded_at", "reported_at"}


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    """A small partnership with faults of every kind in its extracts (GX failures among them)."""
    out = tmp_path_factory.mktemp("faulty")
    generate(out, seed=3, children=500, years=2, faults=True, end_date=dt.date(2025, 3, 31),
             progress=None)
    return out / "inbox", out / "seeds"


class Counting:
    """The real GX worker, counting the questions put to it."""

    def __init__(self):
        self.asked = 0

    def __call__(self):
        pool = real_executor()
        outer = self

        class Pool:
            def submit(self, *args, **kwargs):
                outer.asked += 1
                return pool.submit(*args, **kwargs)

        return Pool()


real_executor = gx_worker.executor


def _own_copy(faulty, tmp_path):
    """The faulty partnership's inbox copied for a test that changes its files."""
    src_inbox, seeds = faulty
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for f in src_inbox.iterdir():
        (inbox / f.name).write_bytes(f.read_bytes())
    return inbox, seeds


def _ingest(inbox, seeds, checks, run_date=RUN_DATE):
    con = duckdb.connect()
    ingest(con, inbox, seeds, run_id="run1", key=KEY, run_date=run_date, previous=None,
           checks=checks)
    return con


def _rows(con, table):
    cols = [c for (c,) in con.execute(
        "select column_name from duckdb_columns() where table_name = ? order by column_index",
        [table]).fetchall() if c not in NOT_COMPARED]
    sel = ", ".join(f'"{c}"' for c in cols)
    return cols, sorted(con.execute(f"select {sel} from {table}").fetchall(), key=repr)


def test_kept_answers_give_the_same_quarantine_and_load_report_without_gx(faulty, tmp_path,
                                                                           monkeypatch):
    inbox, seeds = faulty
    checks = tmp_path / "lscp.duckdb.work.gx-checks"
    first = _ingest(inbox, seeds, checks)
    assert checks.is_file() and stat.S_IMODE(checks.stat().st_mode) == 0o600
    text = checks.read_text()
    assert '"answers"' in text and "[[" in text  # some file failed a GX rule: kept
    quarantine = _rows(first, "quarantine")
    assert len(quarantine[1]) > 0
    tables = [t for (t,) in first.execute(
        "select table_name from duckdb_tables() where table_name like '%load_report%'")
        .fetchall()]
    assert tables

    counting = Counting()
    monkeypatch.setattr(gx_worker, "executor", counting)
    monkeypatch.setattr(gx_cache, "_recent", {})  # a new process: the file's answers alone
    again = _ingest(inbox, seeds, checks)
    assert counting.asked == 0  # every answer kept: no GX worker asked (nor started)
    assert _rows(again, "quarantine") == quarantine
    for table in tables:
        assert _rows(again, table) == _rows(first, table)
    for extract in ("children", "referrals"):
        assert again.execute(f"select count(*) from src_{extract}").fetchall() == \
            first.execute(f"select count(*) from src_{extract}").fetchall()

    # the kept file holds keys and answers: no child's id, nor any other value of a file
    children = sorted(inbox.glob("children_*"))[-1].read_text("cp1252").splitlines()[1:40]
    for line in children:
        child_id = line.split(",")[0].strip()
        if len(child_id) >= 4:
            assert child_id not in checks.read_text()


def test_a_changed_file_or_run_date_is_checked_again(faulty, tmp_path, monkeypatch):
    inbox, seeds = _own_copy(faulty, tmp_path)
    checks = tmp_path / "gx-checks"
    _ingest(inbox, seeds, checks)
    counting = Counting()
    monkeypatch.setattr(gx_worker, "executor", counting)

    _ingest(inbox, seeds, checks, run_date=RUN_DATE + dt.timedelta(days=1))
    assert counting.asked > 0  # the rules as of another day: asked again
    asked = counting.asked
    _ingest(inbox, seeds, checks, run_date=RUN_DATE + dt.timedelta(days=1))
    assert counting.asked == asked  # and kept

    children = sorted(inbox.glob("children_*"))[-1]
    lines = children.read_bytes().split(b"\n")
    fields = lines[1].split(b",")
    fields[7] = b"Z999999999999"  # one child's UPN, checked by GX, is another: another file
    lines[1] = b",".join(fields)
    children.write_bytes(b"\n".join(lines))
    _ingest(inbox, seeds, checks, run_date=RUN_DATE + dt.timedelta(days=1))
    assert counting.asked == asked + 1  # that file alone is checked again


def test_a_broken_or_foreign_file_is_ignored_and_replaced(faulty, tmp_path, monkeypatch):
    inbox, seeds = faulty
    checks = tmp_path / "gx-checks"
    checks.write_text("not json {")
    first = _ingest(inbox, seeds, checks)
    assert '"versions"' in checks.read_text()
    kept = checks.read_text()
    # another GX or lscp wrote it: its answers are not used (GX asked again), then replaced
    foreign = kept.replace(gx_cache._versions(), "gx 0.0; lscp 0.0; cache 1")
    assert foreign != kept
    checks.write_text(foreign)
    counting = Counting()
    monkeypatch.setattr(gx_worker, "executor", counting)
    monkeypatch.setattr(gx_cache, "_recent", {})
    again = _ingest(inbox, seeds, checks)
    assert counting.asked > 0
    assert json.loads(checks.read_text()) == json.loads(kept)
    assert _rows(again, "quarantine") == _rows(first, "quarantine")


def test_the_process_keeps_the_last_ingests_answers(faulty, tmp_path, monkeypatch):
    """An ingest with no file given (the tests' hundreds over the same seeds files) asks GX
    only what the previous ingest of the process did not."""
    inbox, seeds = faulty
    first = _ingest(inbox, seeds, None)
    counting = Counting()
    monkeypatch.setattr(gx_worker, "executor", counting)
    again = _ingest(inbox, seeds, None)
    assert counting.asked == 0
    assert _rows(again, "quarantine") == _rows(first, "quarantine")
    monkeypatch.setattr(gx_cache, "_recent", {})
    _ingest(inbox, seeds, None)
    assert counting.asked > 0


def test_the_worker_starts_at_once_unless_the_kept_answers_are_newer_than_every_file(
        faulty, tmp_path, monkeypatch):
    """Started at once, GX's import (seconds) overlaps DuckDB reading the files; a run over
    files its kept answers already cover starts no worker at all."""
    inbox, seeds = _own_copy(faulty, tmp_path)
    checks = tmp_path / "gx-checks"
    monkeypatch.setattr(gx_cache, "_recent", {})
    started = []
    monkeypatch.setattr(gx_worker, "executor", lambda: started.append(1) or real_executor())
    gx_cache.Checks(checks).start_unless_kept(inbox)
    assert started == [1]  # no kept answers: started before any question
    _ingest(inbox, seeds, checks)
    started.clear()
    monkeypatch.setattr(gx_cache, "_recent", {})
    gx_cache.Checks(checks).start_unless_kept(inbox)
    assert started == []  # every file older than the kept answers: not started
    children = sorted(inbox.glob("children_*"))[-1]
    later = checks.stat().st_mtime + 5
    os.utime(children, (later, later))
    gx_cache.Checks(checks).start_unless_kept(inbox)
    assert started == [1]  # a file newer than them: started at once
