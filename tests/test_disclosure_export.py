"""The differencing attacks of issue 17 on a generated partnership's export: 0 cells.

The suppressed export (what a restricted viewer downloads) and the published SPC table
(the monthly points a viewer sees) are attacked with the unsuppressed export as the
truth: across localities, across agencies, whole tables, shared counts, time, and all of
them together; then as every agency's champion, who also sees their own agency's cells.
The same attacks on the primary cells alone recover cells on this partnership, so the
attacks are shown to bite.
"""

from __future__ import annotations

import csv
import datetime as dt

import duckdb
import pandas as pd
import pytest

from lscp_core.settings import Settings
from pipelines.export.csv_export import export_csv
from tests.support import disclosure_attacks as attacks
from tests.support import generated

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("disclosure_export")]
T = Settings().suppression_threshold
KEYS = ["indicator_id", "period_end", "locality", "agency"]
# The tables of one period stand alone: the last months are attacked table by table (the
# whole series is attacked across time), which keeps the suite fast.
RECENT_MONTHS = 6


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    folder = tmp_path_factory.mktemp("disclosure")
    db, _ = generated.published(folder, "646973636c6f737572652d61747461636b2d6b6579",
                                seed=5, children=2_000, years=4,
                                end_date=dt.date(2026, 10, 31))
    export_csv(db, folder / "viewer.csv")
    export_csv(db, folder / "truth.csv", unsuppressed=True)
    return folder, db


def _read(path) -> pd.DataFrame:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return pd.DataFrame(list(csv.DictReader(handle)))


@pytest.fixture(scope="module")
def cells(published):
    folder, _ = published
    viewer, truth = _read(folder / "viewer.csv"), _read(folder / "truth.csv")
    both = truth.merge(viewer[KEYS + ["numerator"]], on=KEYS, suffixes=("", "_viewer"))
    assert len(both) == len(truth) == len(viewer)
    values = pd.DataFrame({
        **{k: both[k] for k in KEYS},
        "numerator": pd.to_numeric(both["numerator"]),
        "denominator": pd.to_numeric(both["denominator"].replace("", None)),
        "hidden": both["numerator_viewer"] == "c"})
    return attacks.series_cells(values)


@pytest.fixture(scope="module")
def recent(cells):
    periods = sorted(set(cells["period_end"]))[-RECENT_MONTHS:]
    return cells[cells["period_end"].isin(periods)]


@pytest.fixture(scope="module")
def monthly(published):
    """The monthly points a viewer sees (published spc), with their true counts (the
    working database, which only the pipeline and this test open)."""
    _, db = published
    with duckdb.connect(str(db), read_only=True) as con:
        shown = con.execute("select indicator_id, period_end, suppressed from spc "
                            "where series = 'in_month'").df()
        units = dict(con.execute("select indicator_id, unit from indicator_catalogue"
                                 ).fetchall())
    with duckdb.connect(str(db) + ".work", read_only=True) as con:
        truth = con.execute("select indicator_id, period_end, series, numerator, denominator "
                            "from indicator_monthly").df()
    months = truth.merge(shown, on=["indicator_id", "period_end"])
    return attacks.monthly_cells(months, units)


@pytest.fixture(scope="module")
def quarterly(published):
    """Each quarter's own figure as published (indicator_quarterly: its true sums and
    whether a viewer sees them), and the snapshot indicators."""
    _, db = published
    with duckdb.connect(str(db), read_only=True) as con:
        quarters = con.execute("select * from indicator_quarterly").df()
        units = dict(con.execute("select indicator_id, unit from indicator_catalogue"
                                 ).fetchall())
        snapshots = {r[0] for r in con.execute(
            "select indicator_id from indicator_catalogue where spc_series = 'snapshot'"
        ).fetchall()}
    return attacks.quarterly_cells(quarters, units), snapshots


def test_no_quarter_gives_a_small_month_away(published, cells, monthly, quarterly):
    """Issue 22: the quarters a viewer sees, solved with the months and rolling totals they
    see (flows) or with the published month ends (snapshots), recover no small cell."""
    quarters, snapshots = quarterly
    assert len(quarters) and quarters["seen"].any()
    assert attacks.across_time(cells, monthly, T, quarters) == set()
    assert attacks.snapshot_quarters(cells, quarters, snapshots, T) == set()
    # and the attack bites: the quarters protected only by their own small numbers give
    # hidden months away
    _, db = published
    with duckdb.connect(str(db), read_only=True) as con:
        raw = con.execute("select * from indicator_quarterly").df()
        units = dict(con.execute("select indicator_id, unit from indicator_catalogue"
                                 ).fetchall())
    count = raw["indicator_id"].map(units) == "count"
    primary = raw.assign(suppressed=raw["numerator"].between(1, T)
                         | (~count & raw["denominator"].between(1, T)))
    naive = attacks.quarterly_cells(primary, units)
    assert attacks.across_time(cells, monthly, T, naive) | \
        attacks.snapshot_quarters(cells, naive, snapshots, T)


def test_no_route_recovers_a_small_cell(cells, recent, monthly):
    found = attacks.every_attack(recent, None, T)
    found["across_time"] = attacks.across_time(cells, monthly, T)
    assert {route: sorted(keys)[:3] for route, keys in found.items() if keys} == {}
    assert attacks.combined(recent, threshold=T) == set()
    assert (~cells["seen"]).sum() > 0 and (~monthly["seen"]).sum() > 0


def test_no_champion_recovers_another_agencys_small_cell(recent):
    agencies = sorted(set(recent["agency"]) - {"All"})
    assert len(agencies) >= 5
    latest = recent[recent["period_end"].isin(sorted(set(recent["period_end"]))[-3:])]
    by_agency = latest[latest.groupby("indicator_id")["agency"].transform("nunique") > 1]
    for agency in agencies:
        seen = attacks.champion_view(by_agency, agency)
        found = {k for k in attacks.within_tables(seen, T) | attacks.across_agencies(seen, T)
                 if k[4] != agency}
        assert sorted(found)[:3] == [], agency


def test_the_attacks_bite_on_primary_suppression_alone(cells, recent, monthly):
    primary = recent.assign(seen=~recent.groupby(
        ["indicator_id", "period_end", "locality", "agency"])["truth"].transform(
            lambda v: v.between(1, T).any()))
    months = monthly.assign(seen=~monthly.groupby(["indicator_id", "period_end"])["truth"]
                            .transform(lambda v: v.between(1, T).any()))
    found = attacks.every_attack(primary, None, T)
    found["across_time"] = attacks.across_time(
        cells.assign(seen=~cells.groupby(["indicator_id", "period_end", "locality", "agency"])
                     ["truth"].transform(lambda v: v.between(1, T).any())), months, T)
    assert found["across_localities"] and found["across_agencies"] and found["across_time"]


def test_no_breakdown_cell_can_be_worked_out(published):
    """By age, sex, ethnicity, disability and tool: All minus the other categories, and a
    count two indicators break down alike (read off the one that shows it)."""
    _, db = published
    with duckdb.connect(str(db), read_only=True) as con:
        frame = con.execute("select * from indicator_breakdowns").df()
    frame = frame[frame["period_end"].isin(sorted(set(frame["period_end"]))[-RECENT_MONTHS:])]
    cells = attacks.breakdown_cells(frame.assign(hidden=frame["suppressed"]))
    found = attacks.across_agencies(cells, T) | attacks.shared_counts(cells, T)
    assert sorted(found)[:3] == []
    assert (~cells["seen"]).sum() > 0
    primary = cells.assign(seen=~cells.groupby(
        ["indicator_id", "period_end", "locality", "agency"])["truth"].transform(
            lambda v: v.between(1, T).any()))
    assert attacks.across_agencies(primary, T)  # the attack bites without complements
