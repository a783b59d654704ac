"""Every fault the generator injects (its faults.csv manifest) is caught exactly:
the right file, line, rule, column and value, and nothing else is quarantined."""

from __future__ import annotations

import csv
import datetime as dt

import duckdb

from data_contracts import extract_contracts
from pipelines.ingest import ingest
from pipelines.ingest.pseudonymise import pseudonymise
from pipelines.synthetic import generate

KEY = b"faults-test-key"


def test_generated_faults_land_in_quarantine_exactly(tmp_path):
    out = tmp_path / "partnership"
    generate(out, seed=7, children=2000, years=2, faults=True, progress=None)
    con = duckdb.connect()
    result = ingest(con, out / "inbox", out / "seeds", run_id="r", key=KEY,
                    run_date=dt.date.today(), previous=None)
    with open(out / "faults.csv", newline="", encoding="utf-8") as f:
        manifest = list(csv.DictReader(f))
    assert manifest, "the generator injected no faults"

    contracts = extract_contracts()
    expected_rows = set()
    for m in manifest:
        if m["rule"] == "file":
            failed = [r for r in result.reports if r["file"] == m["file"]]
            assert [(r["status"], r["message"]) for r in failed] == [("failed", m["value"])]
            continue
        value = m["value"] or None
        column = contracts[m["extract"]].column(m["column"]) if m["column"] else None
        if column is not None and not column.stored:
            value = None  # the UPN: checked, never kept
        elif column is not None and column.pseudonymise and value:
            value = pseudonymise([value], KEY)[0]
        expected_rows.add((m["extract"], m["file"], int(m["line"]), m["rule"], m["column"], value))
    got = set(con.execute('select extract, file, line, rule, "column", value from quarantine '
                          "where run_id = 'r'").fetchall())
    assert got == expected_rows
    for r in result.reports:
        assert r["rows_read"] == r["rows_loaded"] + r["rows_quarantined"]
