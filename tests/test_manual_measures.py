"""Manual measures (audits, surveys, training counts): the manual_measures extract through the
inbox, its contract and quarantine, and the published manual_values.

Every quarantine rule a row can break; the value computed from numerator and denominator
(given too, it must agree: exactly or rounded to 0-2 decimal places); All rows supplied,
never summed; an undeclared measure quarantined.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from lscp_core.settings import Settings
from metrics.runner import build_metrics
from pipelines.ingest import ingest
from tests.support.samples import write_csv

RUN_DATE = dt.date(2025, 6, 30)
KEY = b"test-key-not-secret"
DECLARED = ("id,title,unit,polarity,frequency\n"
            "audit_voice,Voice of the child captured (audit),percent,higher,quarterly\n"
            "trained,Staff trained to recognise neglect,count,higher,quarterly\n"
            "cla_survey,A rate from a survey,rate,lower,annual\n")
SOURCE = "Multi-agency audit Q1,QA lead"


def _run(folders, rows: list[str], declared: str | None = DECLARED):
    inbox, seeds = folders
    if declared is not None:
        (seeds / "manual_measures.csv").write_text(declared, encoding="utf-8")
    write_csv(inbox, "manual_measures", rows)
    con = duckdb.connect()
    ingest(con, inbox, seeds, run_id="run1", key=KEY, run_date=RUN_DATE, previous=None)
    return con


def _quarantined(con):
    return con.execute('select line, rule, "column", value from quarantine '
                       "where extract = 'manual_measures' order by line").fetchall()


def test_every_quarantine_rule(folders):
    con = _run(folders, [
        f"audit_voice,2025-03-31,All,All,12,16,75,{SOURCE},",           # 2 loads
        f"audit_voice,2025-03-31,All,All,11,16,68.8,{SOURCE},again",    # 3 duplicate key
        f"unknown_thing,2025-03-31,All,All,1,2,,{SOURCE},",             # 4 unknown_measure
        f"audit_voice,2025-03-31,POLICE,All,12,16,70,{SOURCE},",        # 5 value_mismatch
        f"audit_voice,2025-03-31,HEALTH,All,17,16,,{SOURCE},",          # 6 out_of_range (> den)
        f"audit_voice,2025-03-31,SCHOOLS,All,,,,{SOURCE},",             # 7 required (value)
        f"audit_voice,31/13/2025,All,North,3,4,,{SOURCE},",             # 8 bad_date
        f"audit_voice,2025-12-31,All,South,3,4,,{SOURCE},",             # 9 future_date
        f"audit_voice,2025-03-31,All,East,three,4,,{SOURCE},",          # 10 bad_integer
        "audit_voice,2025-03-31,All,West,3,4,,,QA lead,",               # 11 required (source)
        f"audit_voice,2025-03-31,All,Central,0,0,,{SOURCE},",           # 12 out_of_range (den)
        f"trained,2025-03-31,All,All,40,,41,{SOURCE},",                 # 13 value_mismatch
        f"trained,2025-03-31,POLICE,All,12,,12,{SOURCE},",              # 14 loads
        f"audit_voice,2025-06-30,All,All,2,3,66.7,{SOURCE},",           # 15 loads (1 dp)
        f"audit_voice,2025-06-30,POLICE,All,2,3,67,{SOURCE},",          # 16 loads (0 dp)
        f"audit_voice,2025-06-30,HEALTH,All,2,3,66.6,{SOURCE},",        # 17 value_mismatch
        f"cla_survey,2025-03-31,All,All,3,20000,1.5,{SOURCE},",         # 18 loads (rate)
        f"cla_survey,2025-03-31,POLICE,All,,,80.5,{SOURCE},",           # 19 loads (value only)
    ])
    got = [(line, rule, column) for line, rule, column, _ in _quarantined(con)]
    assert got == [
        (3, "duplicate", "locality"), (4, "unknown_measure", "measure_id"),
        (5, "value_mismatch", "value"), (6, "out_of_range", "numerator"),
        (7, "required", "value"), (8, "bad_date", "period_end"),
        (9, "future_date", "period_end"), (10, "bad_integer", "numerator"),
        (11, "required", "source"), (12, "out_of_range", "denominator"),
        (13, "value_mismatch", "value"), (17, "value_mismatch", "value")]
    loaded = con.execute("select count(*) from src_manual_measures").fetchall()[0][0]
    assert loaded == 6


def test_without_a_declaration_every_row_is_an_unknown_measure(folders):
    con = _run(folders, [f"audit_voice,2025-03-31,All,All,12,16,,{SOURCE},"], declared=None)
    assert [r[1] for r in _quarantined(con)] == ["unknown_measure"]


def test_published_values_computed_never_summed_and_suppressed_when_small(folders):
    con = _run(folders, [
        f"audit_voice,2025-03-31,All,all,12,16,,{SOURCE},",
        f"audit_voice,2025-03-31,POLICE,All,3,4,,{SOURCE},",
        f"audit_voice,2025-03-31,HEALTH,All,9,12,75.0,{SOURCE},",
        f"trained,2025-03-15,All,All,4,,,{SOURCE},",
        f"trained,2025-03-31,POLICE,All,3,,,{SOURCE},",
        f"cla_survey,2025-03-31,All,All,,,80.5,{SOURCE},",
        f"cla_survey,2024-03-31,All,All,3,20000,,{SOURCE},",
    ])
    build_metrics(con, as_at=dt.date(2025, 3, 31), settings=Settings())
    rows = {(m, str(p), a): (n, d, v, s) for m, p, a, n, d, v, s in con.execute(
        "select measure_id, period_end, agency, numerator, denominator, value, suppressed "
        "from manual_values where locality = 'All'").fetchall()}
    assert rows[("audit_voice", "2025-03-31", "All")] == (12, 16, pytest.approx(75.0), False)
    assert rows[("audit_voice", "2025-03-31", "POLICE")] == (3, 4, pytest.approx(75.0), True)
    # All is what was supplied: 12 of 16, not 12 + 9 of 16 + 12
    assert rows[("trained", "2025-03-31", "All")] == (4, None, 4.0, False)  # a count: shown
    assert rows[("cla_survey", "2025-03-31", "All")] == (None, None, 80.5, False)
    assert rows[("cla_survey", "2024-03-31", "All")] == (3, 20000, pytest.approx(1.5), True)
    assert len(rows) == 7
