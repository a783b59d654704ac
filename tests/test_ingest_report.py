"""The load report's typed row: its fields are the table's columns, written by name."""

from __future__ import annotations

import dataclasses
import datetime as dt

import duckdb

from pipelines.ingest.report import (
    TABLES,
    ExtractOutcome,
    FileFailure,
    InForce,
    ReportRow,
    create_tables,
    write_report_row,
)


def test_report_row_fields_are_the_load_report_columns():
    assert sorted(f.name for f in dataclasses.fields(ReportRow)) == \
        sorted(c for c, _ in TABLES["load_report"])


def test_a_report_row_lands_in_its_columns():
    con = duckdb.connect()
    create_tables(con)
    now = dt.datetime(2026, 12, 7, 10, 0)
    write_report_row(con, ReportRow(run_id="r", extract="children", file="c.csv",
                                    sha256="abc", rows_read=5, rows_loaded=3,
                                    rows_quarantined=2, status="loaded", message="loaded",
                                    reported_at=now, source_format="csv", null_cells=1))
    write_report_row(con, ReportRow(run_id="r", extract="referrals", status="missing",
                                    message="no file in the inbox", reported_at=now))
    cur = con.execute("select * from load_report order by extract")
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    assert rows[0] == {
        "run_id": "r", "extract": "children", "file": "c.csv", "sha256": "abc",
        "rows_read": 5, "rows_loaded": 3, "rows_quarantined": 2, "status": "loaded",
        "message": "loaded", "extra_columns": None, "warnings": None, "loaded_at": None,
        "reported_at": now, "source_format": "csv", "iso_dates": None, "null_cells": 1,
        "rows_superseded": 0}
    assert (rows[1]["file"], rows[1]["rows_read"], rows[1]["status"]) == (None, 0, "missing")


def test_outcome_constructors_say_what_the_exits_said():
    force = InForce(file="old.csv", sha256="s", loaded_at=None)
    one = [FileFailure(file="new.csv", sha256="t", message="empty file")]
    two = one + [FileFailure(file="b.csv", sha256="u", message="empty file")]
    failed = ExtractOutcome.failed(extract="children", failures=one,
                                   note="FAILED new.csv: empty file",
                                   force=force)
    assert (failed.status, failed.message, failed.force, failed.failures) == \
        ("failed", "kept in force: the newer file new.csv failed", force, one)
    assert ExtractOutcome.failed(extract="children", failures=two, note="n",
                                 force=None).message == \
        "kept in force: the newer files new.csv, b.csv failed"
    assert ExtractOutcome.missing(extract="children", force=None).message == \
        "no file in the inbox"
    kept = ExtractOutcome.missing(extract="children", force=force)
    assert (kept.status, kept.note, kept.message) == \
        ("missing", "no file", "no file in the inbox; old.csv stays in force")
