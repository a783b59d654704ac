"""What the ingest tests of the other formats share: one ingest with a test key, the
pseudonym of a raw id under that key, and one extract's load-report row."""

from __future__ import annotations

import datetime as dt

import duckdb

from pipelines.ingest import ingest
from pipelines.ingest.pseudonymise import pseudonymise

RUN_DATE = dt.date(2025, 6, 30)


class Ingesting:
    def __init__(self, key: bytes):
        self.key = key

    def pid(self, raw: str) -> str:
        return pseudonymise([raw], self.key)[0]

    def run(self, inbox, seeds, con=None, previous=None, run_id="run1", la_code=None):
        con = con or duckdb.connect()
        result = ingest(con, inbox, seeds, run_id=run_id, key=self.key, run_date=RUN_DATE,
                        previous=previous, la_code=la_code)
        return con, result


    def first_run(self, inbox, seeds, folder):
        """A first ingest into a database file; returns its path."""
        db = folder / "one.duckdb"
        self.run(inbox, seeds, con=duckdb.connect(str(db)))[0].close()
        return db

    def second_run(self, inbox, seeds, folder, first_db):
        """The next ingest, with the first run's database as the previous one."""
        con = duckdb.connect(str(folder / "two.duckdb"))
        con.execute(f"attach '{first_db}' as prev (read_only)")
        return self.run(inbox, seeds, con=con, previous="prev", run_id="run2")


def report(result, extract, status=None) -> dict:
    rows = [r for r in result.reports if r["extract"] == extract
            and (status is None or r["status"] == status)]
    assert len(rows) == 1, rows
    return rows[0]
