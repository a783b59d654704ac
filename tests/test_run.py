"""run_pipeline's orchestration with stand-in stages (fast, in-process).

The stages (ingest, metrics, SPC) are replaced by small fakes so these tests pin down what
run.py itself promises: atomic publish, .bak, meta, runs history across failures, one-line
errors, partial builds removed, the lock. Process-level tests with the real stages are in
test_publish_process.py, test_concurrency.py and test_schedule.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
import threading
import time
import types
from pathlib import Path

import pytest

from lscp_core.errors import LockBusy, RunFailed, UserError
from lscp_core.settings import Settings
from pipelines.ingest.report import IngestResult
from pipelines.run import history, publish, run_pipeline
from pipelines.run.lock import run_lock
from tests.support.processes import read_live


def _fake_ingest(con, inbox, seeds_dir, *, run_id, key, run_date, previous, progress=None,
                 la_code=None, checks=None):
    if (Path(seeds_dir) / "BROKEN").exists():
        raise RunFailed("seed_targets: line 3: unknown indicator_id (unknown_code)")
    figure = int((Path(inbox) / "figure.txt").read_text())
    con.execute("create table load_report (run_id varchar, extract varchar, rows_loaded bigint)")
    con.execute("insert into load_report values (?, 'children', ?)", [run_id, figure])
    con.execute("create table quarantine (run_id varchar, extract varchar, file varchar, "
                "line bigint, rule varchar, \"column\" varchar, value varchar)")
    con.execute("create table inbox_figure as select ? as figure", [figure])
    return IngestResult(run_id=run_id, rows_loaded=figure, rows_quarantined=2)


def _fake_metrics(con, *, as_at, settings):
    if (Path(settings.config_file or "/nonexistent") / "CRASH").exists():
        raise ZeroDivisionError("division by zero in int_children__ages")
    ids = publish.expected_indicator_ids()
    con.execute("create table indicator_catalogue as select unnest(?::varchar[]) as indicator_id",
                [ids])
    con.execute("create table indicator_values as select indicator_id, ?::date as period_end, "
                "'All' as locality, 'All' as agency, (select figure from inbox_figure) as numerator "
                "from indicator_catalogue", [as_at or dt.date(2025, 3, 31)])
    # the other published marts, empty (their shape is the metrics tests' business)
    con.execute("create table indicator_breakdowns as select indicator_id, period_end, "
                "'sex' as dimension, 'All' as category, numerator from indicator_values")
    con.execute("create table manual_values (measure_id varchar, period_end date)")
    return types.SimpleNamespace(as_at=as_at or dt.date(2025, 3, 31), charts_built=False)


def _fake_spc(con):
    con.execute("create or replace table spc as select indicator_id, period_end from indicator_values")


@pytest.fixture
def fakes(monkeypatch):
    monkeypatch.setitem(sys.modules, "metrics.runner",
                        types.SimpleNamespace(build_metrics=_fake_metrics))
    monkeypatch.setitem(sys.modules, "metrics.spc",
                        types.SimpleNamespace(build_spc_table=_fake_spc))
    monkeypatch.setitem(sys.modules, "metrics.quarterly",
                        types.SimpleNamespace(build_quarterly_tables=lambda con: None))
    monkeypatch.setitem(sys.modules, "pipelines.ingest",
                        types.SimpleNamespace(ingest=_fake_ingest))
    monkeypatch.setenv("LSCP_KEY", "746573742d6b65792d6f662d3132382d62697473")
    monkeypatch.delenv("LSCP_LOCK_WAIT", raising=False)
    monkeypatch.delenv("LSCP_TEST_PAUSE_AT", raising=False)


@pytest.fixture
def site(tmp_path, fakes):
    """An inbox whose one 'figure' ends up as every indicator's numerator."""
    inbox, seeds, conf = tmp_path / "inbox", tmp_path / "seeds", tmp_path / "conf"
    for d in (inbox, seeds, conf):
        d.mkdir()
    ns = types.SimpleNamespace(inbox=inbox, seeds=seeds, db=tmp_path / "lscp.duckdb",
                               settings=Settings(config_file=conf), conf=conf)

    def run(figure: int | None = None, **kw):
        if figure is not None:
            (inbox / "figure.txt").write_text(str(figure))
        return run_pipeline(inbox=ns.inbox, db=ns.db, seeds=ns.seeds, as_at=kw.pop("as_at", None),
                            settings=kw.pop("settings", ns.settings), **kw)

    ns.run = run
    return ns


def _figure(db: Path) -> int:
    return read_live(db, "select max(numerator) from indicator_values")[0][0]


def _leftovers(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if p.name.endswith((".building", ".wal",
                                                                           ".tmp")))


def test_first_run_publishes_meta_runs_and_history(site):
    result = site.run(7)
    assert site.db.is_file() and _leftovers(site.db) == []
    assert not publish.backup_path(site.db).exists()  # nothing to back up on a first run
    assert _figure(site.db) == 7
    meta = dict(read_live(site.db, "select key, value from meta"))
    assert meta["run_id"] == result.run_id
    assert meta["as_at"] == "2025-03-31"
    assert meta["suppression_threshold"] == "5"
    assert {"built_at", "lscp_version", "inbox", "seeds"} <= set(meta)
    runs = read_live(site.db, "select run_id, status, as_at, finished_at >= started_at from runs")
    assert runs == [(result.run_id, "published", dt.date(2025, 3, 31), True)]
    lines = [json.loads(x) for x in history.history_path(site.db).read_text().splitlines()]
    assert [(x["run_id"], x["status"]) for x in lines] == [(result.run_id, "running"),
                                                           (result.run_id, "published")]
    assert "2 rows quarantined" in lines[-1]["message"]
    assert "published" in result.summary() and result.run_id in result.summary()


def test_second_run_swaps_in_new_figures_and_keeps_the_old_file_as_bak(site):
    first = site.run(7)
    second = site.run(8, as_at=dt.date(2025, 2, 28))
    assert second.run_id > first.run_id  # sortable ids
    assert _figure(site.db) == 8
    assert _figure(publish.backup_path(site.db)) == 7
    runs = read_live(site.db, "select run_id, status from runs order by started_at, run_id")
    assert runs == [(first.run_id, "published"), (second.run_id, "published")]
    assert dict(read_live(site.db, "select key, value from meta"))["as_at"] == "2025-02-28"
    assert second.swap_ms < 1000


def test_progress_shows_each_stage_with_timings(site):
    import io

    stream = io.StringIO()
    site.run(3, progress=stream)
    text = stream.getvalue()
    for stage in ("[ingest]", "[metrics]", "[spc]", "[check]", "[publish]"):
        assert stage in text
    assert "indicator values" in text and "s)" in text


def test_broken_seeds_fail_cleanly_and_the_last_good_database_stays(site):
    good = site.run(7)
    (site.seeds / "BROKEN").write_text("x")
    with pytest.raises(RunFailed, match="seed_targets: line 3"):
        site.run(9)
    assert _figure(site.db) == 7 and _leftovers(site.db) == []
    final = history.read(site.db)
    assert [r["status"] for r in final] == ["published", "failed"]
    assert "seed_targets" in final[-1]["message"]
    # the next good run publishes the failure into the runs table too
    (site.seeds / "BROKEN").unlink()
    third = site.run(10)
    runs = read_live(site.db, "select run_id, status from runs order by started_at, run_id")
    assert [s for _r, s in runs] == ["published", "failed", "published"]
    assert runs[0][0] == good.run_id and runs[2][0] == third.run_id


def test_unexpected_error_is_one_line_traceback_goes_to_the_log(site):
    site.run(7)
    (site.conf / "CRASH").write_text("x")
    with pytest.raises(RunFailed) as exc:
        site.run(9)
    message = str(exc.value)
    assert "\n" not in message
    assert "ZeroDivisionError: division by zero" in message and ".log" in message
    log = Path(str(site.db) + ".log").read_text()
    assert "Traceback" in log and "_fake_metrics" in log
    assert _figure(site.db) == 7 and _leftovers(site.db) == []
    assert history.read(site.db)[-1]["status"] == "failed"


def test_missing_inbox_or_key_is_a_user_error_and_is_recorded(site, monkeypatch):
    site.inbox.rmdir()
    with pytest.raises(UserError, match="does not exist"):
        site.run()
    site.inbox.mkdir()
    monkeypatch.delenv("LSCP_KEY")
    with pytest.raises(UserError, match="no pseudonymisation key"):
        site.run(1)
    assert not site.db.exists()
    assert [r["status"] for r in history.read(site.db)] == ["failed", "failed"]


def test_a_stale_partial_build_is_replaced(site):
    publish.building_path(site.db).write_bytes(b"half a database from a killed run")
    site.run(4)
    assert _figure(site.db) == 4 and _leftovers(site.db) == []


def test_an_unreadable_live_database_is_treated_as_a_first_run(site):
    site.db.write_bytes(b"this is not a duckdb file" * 100)
    result = site.run(5)
    assert _figure(site.db) == 5
    assert any("could not be opened" in n for n in result.notes)
    assert "could not be opened" in history.read(site.db)[-1]["message"]


def test_an_empty_result_is_not_published(site, monkeypatch):
    site.run(6)

    def no_values(con, *, as_at, settings):
        _fake_metrics(con, as_at=as_at, settings=settings)
        con.execute("delete from indicator_values")
        return types.SimpleNamespace(as_at=None, charts_built=False)

    monkeypatch.setitem(sys.modules, "metrics.runner",
                        types.SimpleNamespace(build_metrics=no_values))
    with pytest.raises(RunFailed, match="no indicator values"):
        site.run(7)
    assert _figure(site.db) == 6


def test_an_empty_result_says_first_why_no_period_of_care_formed(site, monkeypatch):
    why = "no period of care formed: 23 episodes quarantined, 23 for bad_date"

    def explained(*args, **kwargs):
        result = _fake_ingest(*args, **kwargs)
        result.explanations = [why]
        return result

    def no_values(con, *, as_at, settings):
        _fake_metrics(con, as_at=as_at, settings=settings)
        con.execute("delete from indicator_values")
        return types.SimpleNamespace(as_at=None, charts_built=False)

    monkeypatch.setitem(sys.modules, "pipelines.ingest", types.SimpleNamespace(ingest=explained))
    monkeypatch.setitem(sys.modules, "metrics.runner",
                        types.SimpleNamespace(build_metrics=no_values))
    with pytest.raises(RunFailed) as failed:
        site.run(7)
    assert str(failed.value).startswith(why + "; the new database has no indicator values")


def test_a_run_killed_before_its_last_line_is_settled_by_the_next_run(site):
    site.run(1)
    history.append(site.db, {"run_id": "20200101T000000Z-dead", "started_at":
                             "2020-01-01T00:00:00Z", "status": "running"})
    site.run(2)
    settled = {r["run_id"]: r for r in history.read(site.db)}["20200101T000000Z-dead"]
    assert settled["status"] == "failed" and "interrupted" in settled["message"]
    status = read_live(site.db, "select status from runs where run_id = '20200101T000000Z-dead'")
    assert status == [("failed",)]


def test_history_survives_torn_lines_and_a_deleted_jsonl(site):
    site.run(1)
    with open(history.history_path(site.db), "a") as f:
        f.write('{"run_id": "torn", "sta')  # a line cut short by a crash
    site.run(2)
    history.history_path(site.db).unlink()  # the published runs table still has both
    site.run(3)
    assert read_live(site.db, "select count(*) from runs where status = 'published'") == [(3,)]


def test_a_second_run_is_refused_naming_the_holder(site):
    (site.inbox / "figure.txt").write_text("1")
    with run_lock(site.db) as held:
        held.announce(run_id="other-run")
        with pytest.raises(LockBusy) as exc:
            site.run()
    assert "pid" in str(exc.value) and "other-run" in str(exc.value)
    assert exc.value.exit_code == 75
    assert not site.db.exists()


def test_a_second_run_can_wait_for_the_lock(site):
    (site.inbox / "figure.txt").write_text("1")
    taken, release = threading.Event(), threading.Event()

    def hold():
        with run_lock(site.db):
            taken.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait(5)
    threading.Timer(0.5, release.set).start()
    t0 = time.monotonic()
    site.run(settings=dataclasses.replace(site.settings, lock_wait=5))
    holder.join()
    assert time.monotonic() - t0 >= 0.4
    assert _figure(site.db) == 1


def test_a_database_folder_that_is_not_there_is_a_user_error(site, tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        run_pipeline(inbox=site.inbox, db=tmp_path / "nowhere" / "x.duckdb", seeds=site.seeds,
                     as_at=None, settings=site.settings)
    with pytest.raises(UserError, match="is a folder"):
        run_pipeline(inbox=site.inbox, db=site.inbox, seeds=site.seeds, as_at=None,
                     settings=site.settings)


def test_run_ids_sort_by_start_time_within_one_second():
    from pipelines.run.pipeline import new_run_id

    base = dt.datetime(2026, 11, 23, 11, 44, 30, 1_000)
    ids = [new_run_id(base + dt.timedelta(milliseconds=ms)) for ms in (0, 1, 250, 999, 1000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert ids[0].startswith("20261123T114430.001Z-")


def test_the_run_history_says_when_the_disclosure_audit_is_off(site):
    """The audit is on by default; ``[disclosure] audit = false`` is an escape hatch the
    history records."""
    site.run(7, settings=Settings(config_file=site.conf, disclosure_audit=False))
    last = json.loads(history.history_path(site.db).read_text().splitlines()[-1])
    assert last["status"] == "published"
    assert last["message"].endswith("; disclosure audit: off")
    assert read_live(site.db, "select message from runs where run_id = "
                     f"'{last['run_id']}'")[0][0].endswith("; disclosure audit: off")
    site.run(8, settings=Settings(config_file=site.conf, disclosure_audit=True))
    # on: this fake computes no audit, and nothing says "off"
    last = json.loads(history.history_path(site.db).read_text().splitlines()[-1])
    assert "disclosure audit" not in last["message"]
