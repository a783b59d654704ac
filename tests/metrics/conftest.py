"""A small partnership built row by row in an in-memory DuckDB, for the indicator tests.

Tests add hand-written rows to the ``src_*`` and ``seed_*`` tables of pipelines/schema.py
(every column not given is NULL), call ``build()`` and read cells back with ``cell()``.

Default seeds: localities North (postcodes NS1) and South (NS2, and the sector NS1 9),
population 2024: North 1,000 and South 3,000 (2025: 1,100 and 3,300); agencies POL
(5A;5B), HEA (3A;3B), EDU (2A;5A: 5A is POL's, listed first) and VOL (no referral sources);
bank holiday 2024-12-25, 2024-12-26, 2025-01-01.

A test module named after one indicator (``test_cp_repeat.py``) builds only that indicator
(with every staging, intermediate and mart model): building all of them for each small case
is most of the suite's time. A module that reads others names them all in ``INDICATORS``;
reading an indicator that was not built fails with a message saying so. A test that reads
fewer than its module builds names them with ``@pytest.mark.indicators("cp_rate", ...)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pytest

from data_contracts import schema
from lscp_core.settings import Settings
from metrics.runner import build_metrics, load_catalogue

TABLES = {f"src_{k}": v for k, v in schema.SRC_TABLES.items()} | {
    f"seed_{k}": v for k, v in schema.SEED_TABLES.items()}
NORTH = "NS1 1AA"  # a North postcode
SOUTH = "NS2 1AA"  # a South postcode


@dataclass
class Cell:
    numerator: int
    denominator: float | None
    value: float | None
    suppressed: bool


class Partnership:
    def __init__(self, con, seeds: bool = True, select: list[str] | None = None):
        self.con = con
        self.result = None
        self.select = select  # the indicators build() builds (None: all of them)
        schema.create_empty_sources(con)
        if seeds:
            self.add("seed_localities", [
                {"locality_code": "N", "locality_name": "North"},
                {"locality_code": "S", "locality_name": "South"},
            ])
            self.add("seed_postcode_localities", [
                {"postcode_prefix": "NS1", "locality_code": "N"},
                {"postcode_prefix": "NS2", "locality_code": "S"},
                {"postcode_prefix": "NS1 9", "locality_code": "S"},
            ])
            self.add("seed_population", [
                {"locality_code": "N", "year": 2024, "population_0_17": 1000},
                {"locality_code": "S", "year": 2024, "population_0_17": 3000},
                {"locality_code": "N", "year": 2025, "population_0_17": 1100},
                {"locality_code": "S", "year": 2025, "population_0_17": 3300},
            ])
            self.add("seed_agencies", [
                {"agency_code": "POL", "agency_name": "Police", "referral_sources": "5A;5B"},
                {"agency_code": "HEA", "agency_name": "Health", "referral_sources": "3A; 3B"},
                {"agency_code": "EDU", "agency_name": "Education", "referral_sources": "2A;5A"},
                {"agency_code": "VOL", "agency_name": "Voluntary", "referral_sources": None},
            ])
            self.add("seed_bank_holidays", [
                {"date": "2024-12-25", "name": "Christmas Day"},
                {"date": "2024-12-26", "name": "Boxing Day"},
                {"date": "2025-01-01", "name": "New Year's Day"},
            ])

    # -- rows -------------------------------------------------------------------------
    def add(self, table: str, rows: list[dict] | dict) -> Partnership:
        """Insert rows into ``src_<extract>`` (give the extract name) or a ``seed_*`` table."""
        rows = [rows] if isinstance(rows, dict) else rows
        name = table if table.startswith("seed_") else f"src_{table}"
        columns = [column for column, _ in TABLES[name]]
        for row in rows:
            unknown = set(row) - set(columns)
            assert not unknown, f"{name} has no column {unknown}"
        placeholders = ", ".join("?" for _ in columns)
        self.con.executemany(f"insert into {name} values ({placeholders})",
                             [[row.get(c) for c in columns] for row in rows])
        return self

    def anchor(self, day: str = "2022-01-01") -> Partnership:
        """An early referral (child 'anchor', Unknown locality) so that monthly periods
        start by the end of 2022, well before the windows a test looks at."""
        return self.child("anchor", None).referral("anchor-referral", "anchor", day)

    def child(self, child_id: str, postcode: str | None = NORTH, **extra) -> Partnership:
        return self.add("children", {"child_id": child_id, "postcode": postcode, **extra})

    def referral(self, referral_id: str, child_id: str, referral_date, **extra) -> Partnership:
        return self.add("referrals", {"referral_id": referral_id, "child_id": child_id,
                                      "referral_date": referral_date, **extra})

    def cp_plan(self, plan_id: str, child_id: str, start, end=None, category="NEG",
                **extra) -> Partnership:
        return self.add("cp_plans", {"cp_plan_id": plan_id, "child_id": child_id,
                                     "start_date": start, "end_date": end,
                                     "initial_category": category, **extra})

    def early_help(self, episode_id: str, child_id: str, start, end=None, agency="HEA",
                   **extra) -> Partnership:
        return self.add("early_help", {"episode_id": episode_id, "child_id": child_id,
                                       "lead_agency": agency, "start_date": start,
                                       "end_date": end, **extra})

    def care(self, period_id: str, child_id: str, start, end=None, need="N1") -> Partnership:
        return self.add("looked_after", {"period_id": period_id, "child_id": child_id,
                                         "start_date": start, "end_date": end,
                                         "category_of_need": need})

    def attended(self, child_id: str, possible: int, missed: int, term="AUT",
                 year="2024/25") -> Partnership:
        return self.add("attendance", {"child_id": child_id, "academic_year": year,
                                       "term": term, "sessions_possible": possible,
                                       "sessions_missed": missed})

    # -- build and read -----------------------------------------------------------------
    def build(self, as_at=None, threshold: int = 5, window: int = 24, history: int = 120):
        settings = Settings(suppression_threshold=threshold, repeat_plan_window_months=window,
                            history_months=history)
        as_at = date.fromisoformat(as_at) if isinstance(as_at, str) else as_at
        self.result = build_metrics(self.con, as_at=as_at, settings=settings,
                                    select=self.select)
        return self.result

    def cell(self, indicator: str, period, locality: str = "All", agency: str = "All") -> Cell:
        assert self.select is None or indicator in self.select, (
            f"{indicator} was not built: add it to the test module's INDICATORS")
        rows = self.con.execute(
            "select numerator, denominator, value, suppressed from indicator_values "
            "where indicator_id = ? and period_end = ? and locality = ? and agency = ?",
            [indicator, period, locality, agency]).fetchall()
        assert len(rows) == 1, f"expected one {indicator} row for {period} {locality} {agency}"
        return Cell(*rows[0])

    def periods(self, indicator: str) -> list[date]:
        assert self.select is None or indicator in self.select, (
            f"{indicator} was not built: add it to the test module's INDICATORS")
        return [r[0] for r in self.con.execute(
            "select distinct period_end from indicator_values where indicator_id = ? "
            "order by 1", [indicator]).fetchall()]

    def rows(self, sql: str, params=None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


CATALOGUE_IDS = {entry["id"] for entry in load_catalogue()}


def selected_indicators(module) -> list[str] | None:
    """The module's INDICATORS, or the indicator its name is (test_<id>.py), or None (all)."""
    if hasattr(module, "INDICATORS"):
        return list(module.INDICATORS)
    ident = module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    return [ident] if ident in CATALOGUE_IDS else None


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "indicators(*ids): the indicators this test's partnership builds "
                   "(instead of its module's choice)")


@pytest.fixture
def p(con, request) -> Partnership:
    """A partnership with the default seeds and no extract rows yet."""
    mark = request.node.get_closest_marker("indicators")
    select = list(mark.args) if mark is not None else selected_indicators(request.module)
    return Partnership(con, select=select)
