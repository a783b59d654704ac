"""The read-only connection: it notices when the pipeline swaps in a new file."""

from __future__ import annotations

import json
import os

import duckdb
import pytest

from dashboard import data
from tests.dashboard import fake_db


def partnership_total(role="analyst") -> float:
    v = data.values(role, indicator_ids=["eh_assessments"], localities=["All"], agencies=["All"])
    return float(v["value"].sum())


def test_reattaches_when_a_new_file_is_swapped_in(use_db, tmp_path):
    live = tmp_path / "lscp.duckdb"
    fake_db.build(live, seed=1)
    use_db(live)
    first = partnership_total()
    db = data.live()
    attached = db.signature
    assert attached == data.signature(live)
    assert partnership_total() == first and db.signature == attached  # cached, same file
    fake_db.build(tmp_path / "lscp.new.duckdb", seed=2)
    os.replace(tmp_path / "lscp.new.duckdb", live)  # what the pipeline does
    second = partnership_total()
    assert second != first
    assert data.live() is db and db.signature == data.signature(live) != attached


def test_the_pipeline_can_still_write_a_new_file_while_we_read(use_db, tmp_path):
    live = tmp_path / "lscp.duckdb"
    fake_db.build(live)
    use_db(live)
    before = partnership_total()
    attached = data.live().signature
    # the writer builds beside the live file and may open it read-write meanwhile: the
    # dashboard's read-only hold on the live file must not block it
    con = duckdb.connect(str(tmp_path / "lscp.building"))
    con.execute("create table t as select 42 as x")
    con.execute("checkpoint")
    assert con.execute("select x from t").fetchall() == [(42,)]
    con.close()
    # and the dashboard still reads the live file, unchanged
    assert partnership_total() == before
    assert data.live().signature == attached  # the live file was not disturbed: no re-attach


def test_read_only(use_db, fake_db_path):
    use_db(fake_db_path)
    with pytest.raises(duckdb.Error):
        data.live().query("create table live.main.oops as select 1")


def test_missing_database(monkeypatch, tmp_path):
    monkeypatch.delenv("LSCP_DB", raising=False)
    with pytest.raises(data.DatabaseUnavailable, match="lscp serve"):
        data.db_path()
    monkeypatch.setenv("LSCP_DB", str(tmp_path / "none.duckdb"))
    with pytest.raises(data.DatabaseUnavailable, match="does not exist"):
        data.db_path()


def test_unreadable_database(use_db, tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_text("not a database")
    use_db(bad)
    with pytest.raises(data.DatabaseUnavailable, match="cannot be read"):
        data.live().current()


def test_failed_runs_only_after_the_published_one(use_db, tmp_path):
    db = fake_db.build(tmp_path / "lscp.duckdb")
    use_db(db)
    history = tmp_path / "lscp.duckdb.history.jsonl"
    rows = [
        {"run_id": "old", "started_at": "2025-09-10T02:30:00", "status": "failed",
         "message": "before the publish"},
        {"run_id": "20251005T023000Z", "started_at": "2025-10-05T02:30:00",
         "status": "published", "message": ""},
        {"run_id": "new", "started_at": "2025-10-07T02:30:00+00:00", "status": "failed",
         "message": "empty file"},
    ]
    history.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n")
    failed = data.failed_runs_since_publish()
    assert [f.run_id for f in failed] == ["new"]
    assert failed[0].message == "empty file"


def test_filters(use_db, fake_db_path):
    use_db(fake_db_path)
    v = data.values("viewer", indicator_ids=["rereferral"], localities=["North"],
                    agencies=["POL", "All"], period_ends=["2025-09-30"])
    assert len(v) == 2 and set(v["agency"]) == {"POL", "All"}
    assert data.values("viewer", indicator_ids=[]).empty
    assert data.localities() == ["North", "South", "East", "West", "Central", "Unknown"]
    assert data.periods("monthly")[0].strftime("%Y-%m-%d") == "2025-09-30"
    assert all(p.month in (3, 7, 12) for p in data.periods("termly"))
