"""The product's indicator_values, row by row, against the independent reference.

tests/reference/ computes every indicator in pandas straight from spec/indicators.md; here the
same src_*/seed_* tables go through the product (ingest + metrics SQL) and every row of
indicator_values must agree: numerator and denominator exactly, value to 1e-9 relative.
Three sources of input: hand-written nasty cases (tests/reference/edge_cases.py), random small
partnerships with dates packed around month ends and leap days, and the synthetic generator
run through the real pipeline. A failure prints which indicator, period, locality and agency
differ, and the reference's (expected) and the product's (got) figures.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
from reference import edge_cases, handmade
from reference.compare import differences, report
from reference.indicators import compute_all, default_as_at, frames_from_duckdb

from lscp_core.settings import Settings
from metrics.runner import build_metrics
from pipelines.run import publish, run_pipeline
from pipelines.synthetic import generate

D = dt.date


def _product_and_reference(src: dict, as_at: dt.date | None, window: int = 24):
    con = duckdb.connect(":memory:")
    try:
        handmade.load_into(con, handmade.frames(**src))
        build_metrics(con, as_at=as_at, settings=Settings(repeat_plan_window_months=window))
        product = con.table("indicator_values").df()
        frames = frames_from_duckdb(con)
    finally:
        con.close()
    reference = compute_all(frames, as_at or default_as_at(frames), repeat_window_months=window)
    return product, reference


def _assert_same(product, reference):
    assert len(reference) > 0
    diff = differences(product, reference)
    assert diff.empty, report(diff)


# -- hand-written edge cases ------------------------------------------------------------

@pytest.mark.parametrize("as_at", [
    D(2025, 3, 31),   # a DfE year end
    D(2025, 2, 28),   # the window that just misses 29 February 2024
    D(2024, 2, 29),   # a leap-day month end as the as-at date
    D(2025, 7, 30),   # mid-month, the day before the summer term ends
    D(2025, 8, 1),
])
def test_nasty_cases_match(as_at):
    _assert_same(*_product_and_reference(edge_cases.nasty(), as_at))


def test_nasty_cases_match_with_a_12_month_repeat_window():
    _assert_same(*_product_and_reference(edge_cases.nasty(), D(2025, 3, 31), window=12))


def test_nasty_cases_match_with_the_default_as_at():
    _assert_same(*_product_and_reference(edge_cases.nasty(), None))


def test_cross_file_orphans_match():
    _assert_same(*_product_and_reference(edge_cases.orphans(), D(2025, 3, 31)))


def test_empty_extracts_give_no_rows_in_either():
    product, reference = _product_and_reference({}, D(2025, 3, 31))
    assert reference.empty
    assert product.empty


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_partnerships_match(seed):
    _assert_same(*_product_and_reference(edge_cases.fuzz(seed), D(2025, 6, 30)))


@pytest.mark.parametrize("as_at", [D(2024, 12, 31), D(2025, 3, 15)])
def test_random_partnership_matches_at_other_dates(as_at):
    _assert_same(*_product_and_reference(edge_cases.fuzz(7), as_at))


JOURNEY = {"contacts_rate", "contact_to_referral", "s47_rate", "icpc_timely", "icpc_to_plan",
           "cp_reviews_timely", "was_not_brought", "da_notifications_rate", "encompass_timely",
           "cla_missing"}


@pytest.mark.parametrize("seed, as_at", [(1, D(2025, 6, 30)), (2, D(2025, 1, 31)),
                                         (3, D(2024, 12, 31))])
def test_random_journeys_match(seed, as_at):
    product, reference = _product_and_reference(edge_cases.journey(seed), as_at)
    assert JOURNEY <= set(reference["indicator_id"])
    # the edges are there to be judged: some conferences late, some plans overdue, ...
    for indicator in ("icpc_timely", "cp_reviews_timely", "was_not_brought", "cla_missing"):
        rows = reference[(reference["indicator_id"] == indicator)
                         & (reference["locality"] == "All") & (reference["agency"] == "All")]
        assert 0 < rows["numerator"].sum() < rows["denominator"].sum(), indicator
    _assert_same(product, reference)


def test_journey_in_month_series_match():
    """The monthly series the SPC charts use: the same definitions over one month."""
    con = duckdb.connect(":memory:")
    try:
        handmade.load_into(con, handmade.frames(**edge_cases.journey(4)))
        # only the journey's indicators are read: build those (with every staging model)
        build_metrics(con, as_at=D(2025, 6, 30), settings=Settings(), select=sorted(JOURNEY))
        monthly = con.execute(
            "select indicator_id, period_end, numerator, denominator from indicator_monthly "
            "where indicator_id in ? and series = 'in_month'", [sorted(JOURNEY)]).df()
        frames = frames_from_duckdb(con)
    finally:
        con.close()
    reference = compute_all(frames, D(2025, 6, 30), window_months=1)
    reference = reference[(reference["locality"] == "All") & (reference["agency"] == "All")
                          & reference["indicator_id"].isin(JOURNEY - {"cp_reviews_timely"})]
    got = {(r.indicator_id, pd.Timestamp(r.period_end).date()): r.numerator
           for r in monthly.itertuples()}
    want = {(r.indicator_id, pd.Timestamp(r.period_end).date()): r.numerator
            for r in reference.itertuples()}
    assert len(want) > 100
    assert got == want


def test_journey_not_delivered_gives_no_rows_in_either():
    src = edge_cases.fuzz(5)
    product, reference = _product_and_reference(src, D(2025, 6, 30))
    assert not JOURNEY & set(reference["indicator_id"])
    assert not JOURNEY & set(product["indicator_id"])


def _read_back(db):
    """(the working store's child-level frames, the published indicator_values, the published
    as-at date): the reference reads the former, the product publishes the latter."""
    work = duckdb.connect(str(publish.work_path(db)), read_only=True)
    try:
        frames = frames_from_duckdb(work)
    finally:
        work.close()
    con = duckdb.connect(str(db), read_only=True)
    try:
        product = con.table("indicator_values").df()
        published_as_at = con.execute("select value from meta where key = 'as_at'").fetchall()
    finally:
        con.close()
    return frames, product, published_as_at


# -- the synthetic partnership through the real pipeline ----------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("seed, faults, as_at", [
    (11, False, None),
    (29, False, None),
    (11, False, D(2025, 6, 15)),   # an explicit, mid-month --as-at
    (5, True, None),               # with bad rows: the metrics see only what ingest let through
])
def test_generated_partnership_matches(tmp_path, monkeypatch, seed, faults, as_at):
    monkeypatch.setenv("LSCP_KEY", "7265666572656e63652d63726f7373636865636b")
    generate(tmp_path / "partnership", seed=seed, children=4000, years=3, faults=faults,
             end_date=D(2025, 9, 30), progress=None)
    db = tmp_path / "lscp.duckdb"
    result = run_pipeline(tmp_path / "partnership" / "inbox", db, tmp_path / "partnership" / "seeds",
                          as_at, Settings(disclosure_audit=False), progress=None)
    frames, product, published_as_at = _read_back(db)
    # the as-at date: as given, or the newest referral, plan or episode date (ends included)
    expected_as_at = as_at or default_as_at(frames)
    assert result.as_at == expected_as_at
    assert published_as_at == [(expected_as_at.isoformat(),)]
    reference = compute_all(frames, expected_as_at)
    assert set(reference["indicator_id"]) == set(product["indicator_id"])
    _assert_same(product, reference)


# -- twenty years of history, published in full and cut to history_months ------------------

def _last_month_ends(as_at: dt.date, n: int) -> dt.date:
    """The first of the last ``n`` month ends on or before ``as_at`` (outputs.md: as at
    30 September 2025 with 120, 31 October 2015), computed here independently of the SQL."""
    month = as_at.year * 12 + as_at.month - 1
    if (as_at + dt.timedelta(days=1)).day != 1:  # as_at is not itself a month end
        month -= 1
    first = month - (n - 1)
    nxt_year, nxt = divmod(first + 1, 12)
    return dt.date(nxt_year, nxt + 1, 1) - dt.timedelta(days=1)


@pytest.fixture(scope="module")
def twenty_years(tmp_path_factory):
    root = tmp_path_factory.mktemp("twenty-years")
    generate(root / "partnership", seed=17, children=1500, years=20, end_date=D(2025, 9, 30),
             progress=None)
    return root


@pytest.mark.slow
@pytest.mark.parametrize("history_months", [120, 0])
def test_twenty_years_of_history_match(twenty_years, monkeypatch, history_months):
    monkeypatch.setenv("LSCP_KEY", "7265666572656e63652d63726f7373636865636b")
    db = twenty_years / f"lscp-{history_months}.duckdb"
    partnership = twenty_years / "partnership"
    run_pipeline(partnership / "inbox", db, partnership / "seeds", None,
                 Settings(history_months=history_months, disclosure_audit=False), progress=None)
    frames, product, _ = _read_back(db)
    as_at = default_as_at(frames)
    reference = compute_all(frames, as_at)
    reference_ends = pd.to_datetime(reference["period_end"])
    assert reference_ends.min() < pd.Timestamp(as_at.year - 15, 1, 1)  # twenty years of data
    if history_months:
        first = _last_month_ends(as_at, history_months)
        first_month_start = pd.Timestamp(first.replace(day=1))
        # month ends from `first`; termly indicators keep the terms ending within those months
        reference = reference[reference_ends >= first_month_start]
        assert pd.to_datetime(product["period_end"]).min() >= first_month_start
    assert pd.to_datetime(product["period_end"]).max() <= pd.Timestamp(as_at)
    _assert_same(product, reference)
