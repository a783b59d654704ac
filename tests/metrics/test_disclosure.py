"""Complementary suppression that survives differencing (metrics/disclosure.py).

Random tables and series (hypothesis) are protected, then attacked exactly
(tests/support/disclosure_attacks.py) as a restricted viewer and as each agency's
champion: no small hidden figure may come out. The attacks themselves are shown to work
on the primary cells alone, so a protection that did nothing would fail here.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.disclosure import count_families, protect, protect_monthly, protect_table
from tests.support import disclosure_attacks as attacks

T = 5
E = dt.date(2024, 6, 30)
small_counts = st.integers(min_value=0, max_value=14).map(lambda v: v if v % 3 else v // 5)


def grid(values: dict[tuple[str, str], int]) -> pd.DataFrame:
    """A locality x agency table with its margins, from its inner cells."""
    localities = sorted({loc for loc, _ in values})
    agencies = sorted({ag for _, ag in values})
    rows = [(loc, ag, v) for (loc, ag), v in values.items()]
    if agencies != ["All"]:
        rows += [(loc, "All", sum(values[loc, ag] for ag in agencies)) for loc in localities]
    rows += [("All", ag, sum(values[loc, ag] for loc in localities)) for ag in agencies]
    if agencies != ["All"]:
        rows.append(("All", "All", sum(values.values())))
    return pd.DataFrame(rows, columns=["locality", "agency", "v"])


def as_attacked(cells: pd.DataFrame, hidden: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"indicator_id": "x", "role": "n", "period_end": E,
                         "locality": cells["locality"], "agency": cells["agency"],
                         "truth": cells["v"].astype(float), "seen": ~hidden})


def recovered(view: pd.DataFrame, own_agency: str | None = None) -> set:
    found = attacks.within_tables(view, T) | attacks.across_localities(view, T) | \
        attacks.across_agencies(view, T)
    return {k for k in found if k[4] != own_agency}


def champions(cells: pd.DataFrame) -> list[str]:
    return sorted(set(cells["agency"]) - {"All"})


@st.composite
def tables(draw):
    localities = draw(st.sampled_from([["North", "South"], ["East", "North", "Unknown"],
                                       ["East", "North", "South", "Unknown", "West"]]))
    agencies = draw(st.sampled_from([["All"], ["CSC", "POL"], ["CSC", "EH", "POL"],
                                     ["CSC", "EH", "HEALTH", "POL", "SCHOOL"]]))
    return grid({(loc, ag): draw(small_counts) for loc in localities for ag in agencies})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_small_cell_of_a_random_table_can_be_worked_out(cells):
    hidden = protect_table(cells, T)
    view = as_attacked(cells, hidden)
    assert recovered(view) == set()
    for agency in champions(cells):
        assert recovered(attacks.champion_view(view, agency), agency) == set()
    # every primary cell is hidden; no cell is hidden without a small one in its table
    primary = cells["v"].between(1, T)
    assert hidden[primary].all()
    if not primary.any():
        assert not hidden.any()


def test_the_attacks_work_on_primary_suppression_alone():
    cells = grid({("North", "CSC"): 3, ("North", "POL"): 9, ("South", "CSC"): 12,
                  ("South", "POL"): 20})
    view = as_attacked(cells, cells["v"].between(1, T))
    assert ("x", "n", E, "North", "CSC") in recovered(view)
    line = grid({("North", "All"): 3, ("South", "All"): 10})
    assert attacks.across_localities(as_attacked(line, line["v"].between(1, T)), T)


def test_a_zero_is_hidden_only_when_nothing_else_will_do():
    # North's 3 has only zeros beside it, and the total is 3 itself: primary, so no zero
    line = grid({("North", "All"): 3, ("South", "All"): 0, ("Unknown", "All"): 0})
    assert list(line[protect_table(line, T)]["locality"]) == ["North", "All"]
    # by agency: the cheapest cover is another agency's non-zero count, then a total,
    # and a zero (South, POL) only where neither exists
    cells = grid({("North", "POL"): 3, ("North", "CSC"): 40, ("South", "POL"): 0,
                  ("South", "CSC"): 30})
    hidden = cells[protect_table(cells, T)]
    assert ("South", "POL") not in set(zip(hidden["locality"], hidden["agency"], strict=False))
    assert recovered(as_attacked(cells, protect_table(cells, T))) == set()


def test_a_champion_cannot_use_their_own_column():
    # only two agencies: the police champion knows North's police count and its total,
    # so social care's small North cell needs the totals hidden as well
    cells = grid({("North", "CSC"): 2, ("North", "POL"): 30, ("South", "CSC"): 25,
                  ("South", "POL"): 40})
    hidden = protect_table(cells, T)
    view = as_attacked(cells, hidden)
    assert recovered(attacks.champion_view(view, "POL"), "POL") == set()
    shown = cells[~hidden]
    assert not ((shown["locality"] == "North") & (shown["agency"] == "All")).any()


# --- time --------------------------------------------------------------------------------

def month_ends(n: int, start=dt.date(2021, 1, 31)) -> list[dt.date]:
    return [(pd.Timestamp(start) + pd.offsets.MonthEnd(i)).date() for i in range(n)]


def rolling_and_monthly(months: list[int], rolling_from: int = 11):
    """The series of monthly counts, its rolling 12-month totals from month 12."""
    ends = month_ends(len(months))
    totals = [sum(months[max(0, i - 11):i + 1]) for i in range(len(months))]
    rolling = pd.DataFrame({"period_end": ends[rolling_from:],
                            "v": [float(x) for x in totals[rolling_from:]]})
    rolling["hidden"] = rolling["v"].between(1, T)
    monthly = pd.DataFrame({"period_end": ends[rolling_from:],
                            "v": [float(x) for x in months[rolling_from:]]})
    return rolling, monthly


def time_attack(rolling, monthly, hidden_months) -> set:
    cells = pd.DataFrame({"indicator_id": "x", "role": "n", "period_end": rolling["period_end"],
                          "locality": "All", "agency": "All", "truth": rolling["v"],
                          "seen": ~rolling["hidden"]})
    months = pd.DataFrame({"indicator_id": "x", "role": "n",
                           "period_end": monthly["period_end"], "truth": monthly["v"],
                           "seen": ~monthly["period_end"].isin(hidden_months)})
    return attacks.across_time(cells, months, T)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=12), min_size=24, max_size=48))
def test_no_small_month_can_be_worked_out_from_the_rolling_totals(months):
    rolling, monthly = rolling_and_monthly(months)
    hidden = protect_monthly(rolling, monthly, T)
    assert time_attack(rolling, monthly, hidden) == set()
    small = set(monthly.loc[monthly["v"].between(1, T), "period_end"])
    assert small <= hidden


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([0, 0, 1, 3, 8, 12, 20, 40]), min_size=24, max_size=60),
       st.integers(min_value=0, max_value=20), st.data())
def test_no_small_month_can_be_worked_out_when_rolling_totals_are_hidden_too(months, start,
                                                                              data):
    """Rolling totals hidden as complements (by the locality tables) break the chains the
    protection reasons over; the monthly series may start before or after the first rolling
    total. The exact attack (an SVD of every published figure) still finds nothing."""
    start = min(start, len(months) - 1)
    ends = month_ends(len(months))
    totals = [sum(months[max(0, i - 11):i + 1]) for i in range(len(months))]
    rolling = pd.DataFrame({"period_end": ends[11:], "v": [float(x) for x in totals[11:]]})
    complements = data.draw(st.lists(st.booleans(), min_size=len(rolling),
                                     max_size=len(rolling)))
    rolling["hidden"] = rolling["v"].between(1, T) | np.array(complements)
    monthly = pd.DataFrame({"period_end": ends[start:],
                            "v": [float(x) for x in months[start:]]})
    hidden = protect_monthly(rolling, monthly, T)
    assert time_attack(rolling, monthly, hidden) == set()
    assert set(monthly.loc[monthly["v"].between(1, T), "period_end"]) <= hidden


def test_the_cheapest_months_are_hidden_and_zeros_last():
    """A small month in a long series of visible rolling totals: each calendar month's
    figures are chained by the rolling totals (January this year = January last year + the
    difference of two totals), so the small month's calendar month goes whole, and one other
    calendar month with it: the one of the smallest total count, never one with a true zero
    while a non-zero one will do."""
    months = [30] * 48
    for i in range(0, 48, 12):
        months[i + 5] = 9   # every June: 36 in all, the cheapest calendar month
        months[i + 7] = 0   # every August: a true zero
    months[26] = 2          # March of the third year: small
    rolling, monthly = rolling_and_monthly(months, rolling_from=11)
    hidden = protect_monthly(rolling, monthly, T)
    assert time_attack(rolling, monthly, hidden) == set()
    shown = monthly[monthly["period_end"].isin(hidden)]
    assert sorted({d.month for d in shown["period_end"]}) == [3, 6]
    assert len(hidden) == len(monthly[[d.month in (3, 6) for d in monthly["period_end"]]])


def test_protecting_twenty_years_of_months_takes_no_matrix_of_them():
    """247 month ends with a small month in every calendar month (the public CIN sample's
    shape): every month must go, and the protection is a graph walk, not an SVD per month."""
    import time

    months = [2 if i % 5 == 0 else 8 for i in range(258)]  # a small month in every calendar month
    rolling, monthly = rolling_and_monthly(months)
    started = time.perf_counter()
    hidden = protect_monthly(rolling, monthly, T)
    assert time.perf_counter() - started < 2  # the SVD per hidden month took minutes
    assert time_attack(rolling, monthly, hidden) == set()
    assert len(hidden) == len(monthly)


def test_a_lone_small_month_is_given_away_without_protection():
    months = [20] * 30
    months[20] = 3
    rolling, monthly = rolling_and_monthly(months)
    assert time_attack(rolling, monthly, {monthly["period_end"][20 - 11]})
    hidden = protect_monthly(rolling, monthly, T)
    assert time_attack(rolling, monthly, hidden) == set()
    assert len(hidden) >= 2  # the month a year before or after goes with it


# --- the whole build: shared counts ------------------------------------------------------

def test_a_count_two_indicators_publish_is_hidden_in_both(con):
    """x counts referrals (a count); p is a percentage of them (referrals its denominator).
    North's 4 referrals are hidden in both, and so is the same complement in both."""
    con.execute("create or replace table indicator_values (indicator_id varchar, "
                "period_end date, locality varchar, agency varchar, numerator bigint, "
                "denominator double, value double, suppressed boolean)")
    referrals = {"North": 4, "South": 30, "East": 12, "All": 46}
    # by the smallest numerator p's complement would be South, while x's is East: then
    # p's denominator would show East's 12 and give North's 4 away
    answered = {"North": 0, "South": 7, "East": 9, "All": 16}
    rows = []
    for loc, n in referrals.items():
        rows.append(("x", E, loc, "All", n, None, n, 1 <= n <= T))
        a = answered[loc]
        rows.append(("p", E, loc, "All", a, n, 100 * a / n, 1 <= a <= T or 1 <= n <= T))
    con.executemany("insert into indicator_values values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    protect(con, T)
    hidden = {(i, loc) for i, loc in con.execute(
        "select indicator_id, locality from indicator_values where suppressed").fetchall()}
    assert hidden == {("x", "North"), ("x", "East"), ("p", "North"), ("p", "East")}


@pytest.fixture
def con():
    import duckdb
    connection = duckdb.connect()
    yield connection
    connection.close()


def test_random_partnership_tables_through_the_build(con):
    """Many counts and periods through ``protect``: the combined attack finds nothing."""
    rng = np.random.default_rng(7)
    rows = []
    for indicator in ("a", "b"):
        for month in month_ends(3):
            inner = {(loc, ag): int(rng.choice([0, 1, 2, 4, 7, 9, 15, 30]))
                     for loc in ("North", "South", "Unknown") for ag in ("CSC", "EH", "POL")}
            for _, r in grid(inner).iterrows():
                rows.append((indicator, month, r["locality"], r["agency"], int(r["v"]), None,
                             float(r["v"]), 1 <= r["v"] <= T))
    con.execute("create or replace table indicator_values (indicator_id varchar, "
                "period_end date, locality varchar, agency varchar, numerator bigint, "
                "denominator double, value double, suppressed boolean)")
    con.executemany("insert into indicator_values values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    result = protect(con, T)
    values = con.execute("select * from indicator_values").df()
    cells = attacks.series_cells(values.rename(columns={"suppressed": "hidden"}))
    assert attacks.combined(cells, threshold=T) == set()
    for agency in ("CSC", "EH", "POL"):
        seen = attacks.champion_view(cells, agency)
        assert {k for k in attacks.combined(seen, threshold=T) if k[4] != agency} == set()
    assert result.secondary > 0


def test_a_count_two_indicators_break_down_alike_is_hidden_alike(con):
    """x counts referrals; p is a percentage of them. By sex, x's own complement for the
    4 boys is 'Not known' (9) and p's, chosen by its numerator, 'Female' (12 referrals):
    then x shows Female's 12 and p shows Not known's 9, and 25 - 12 - 9 gives the 4 away.
    Per count, 'Not known' is hidden in p as well."""
    from metrics.disclosure import protect_breakdowns

    con.execute("create or replace table indicator_values (indicator_id varchar, "
                "period_end date, locality varchar, agency varchar, numerator bigint, "
                "denominator double, value double, suppressed boolean)")
    con.executemany("insert into indicator_values values (?, ?, 'All', 'All', ?, ?, null, false)",
                    [("x", E, 25, None), ("p", E, 17, 25)])
    con.execute("create or replace table indicator_breakdowns (indicator_id varchar, "
                "period_end date, dimension varchar, category varchar, numerator bigint, "
                "denominator double, value double, suppressed boolean)")
    referrals = {"Male": 4, "Female": 12, "Not known": 9, "All": 25}
    answered = {"Male": 0, "Female": 7, "Not known": 10, "All": 17}
    x_hidden, p_hidden = {"Male", "Not known"}, {"Male", "Female"}  # as the mart chose
    rows = [("x", E, "sex", c, n, None, n, c in x_hidden) for c, n in referrals.items()]
    rows += [("p", E, "sex", c, answered[c], referrals[c], None, c in p_hidden)
             for c in referrals]
    con.executemany("insert into indicator_breakdowns values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    before = attacks.breakdown_cells(con.execute("select * from indicator_breakdowns").df()
                                     .rename(columns={"suppressed": "hidden"}))
    definitions = [("p:d", "x:n")]  # the About page says p's denominator is x's count
    assert attacks.combined(before, threshold=T, known_twins=definitions)  # the leak is real
    assert protect_breakdowns(con, T) == 1
    hidden = set(con.execute("select indicator_id, category from indicator_breakdowns "
                             "where suppressed").fetchall())
    assert ("p", "Not known") in hidden
    after = attacks.breakdown_cells(con.execute("select * from indicator_breakdowns").df()
                                    .rename(columns={"suppressed": "hidden"}))
    assert attacks.combined(after, threshold=T, known_twins=definitions) == set()


def test_counts_are_series_equal_in_every_cell_they_share(con):
    """x and y agree on the partnership total but not on North: two counts. x and z agree
    wherever both have a figure, though z has no partnership cell at all: one count."""
    con.execute("create or replace table indicator_values (indicator_id varchar, "
                "period_end date, locality varchar, agency varchar, numerator bigint, "
                "denominator double, value double, suppressed boolean)")
    rows = [("x", "North", 4), ("x", "South", 6), ("x", "All", 10),
            ("y", "North", 5), ("y", "South", 5), ("y", "All", 10),
            ("z", "North", 4), ("z", "South", 6)]
    con.executemany("insert into indicator_values values (?, ?, ?, 'All', ?, null, ?, false)",
                    [(i, E, loc, n, n) for i, loc, n in rows])
    families = count_families(con)
    assert families["x:n"] == families["z:n"] == "x:n"
    assert families["y:n"] == "y:n"
