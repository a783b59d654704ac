"""Disclosure control: the primary rule (metrics/models/marts/indicator_values.sql) and the
complementary cells (metrics/disclosure.py).

Primary: counts of 1..T; rates and percentages whose numerator or denominator is 1..T.
Complements, per count (an indicator's numerator, or its denominator): a lone hidden
locality is paired with the locality of the smallest non-zero count (ties: the name);
a true zero only when nothing else will do. Tables by agency, shared counts and time
are pinned in test_disclosure.py.

The mart is run here on hand-made filled values, so every rule is pinned exactly; the
last test runs the whole build.
"""

from datetime import date

import pytest

from metrics.disclosure import protect
from metrics.runner import METRICS_DIR

MART = (METRICS_DIR / "models" / "marts" / "indicator_values.sql").read_text()
E = date(2024, 6, 30)


def suppress(con, cells, threshold=5):
    """cells: (indicator, unit, locality, agency, numerator, denominator) -> flags by
    (indicator, locality, agency)."""
    con.execute("create or replace table run_parameters (as_at_override date, "
                "suppression_threshold integer, repeat_plan_window_months integer)")
    con.execute("insert into run_parameters values (null, ?, 24)", [threshold])
    con.execute("create or replace table int_indicator_values__filled (indicator_id varchar, "
                "period_end date, council varchar, locality varchar, agency varchar, "
                "unit varchar, sort_order integer, numerator bigint, denominator double, "
                "value double)")
    con.executemany("insert into int_indicator_values__filled values "
                    "(?, ?, 'All', ?, ?, ?, 1, ?, ?, null)",
                    [[i, E, loc, agency, unit, n, d] for i, unit, loc, agency, n, d in cells])
    con.execute(f"create or replace table indicator_values as {MART}")
    protect(con, threshold)
    return {(i, loc, agency): flag for i, loc, agency, flag in con.execute(
        "select indicator_id, locality, agency, suppressed from indicator_values").fetchall()}


def counts(values: dict[str, int], indicator="x", agency="All"):
    return [(indicator, "count", loc, agency, n, None) for loc, n in values.items()]


def suppressed_localities(flags, indicator="x", agency="All"):
    return sorted(loc for (i, loc, a), flag in flags.items()
                  if flag and i == indicator and a == agency)


@pytest.mark.parametrize("n, threshold, expected", [
    (0, 5, False), (1, 5, True), (5, 5, True), (6, 5, False), (4, 3, False), (3, 3, True),
    (1, 0, False),
])
def test_primary_counts(con, n, threshold, expected):
    flags = suppress(con, counts({"North": n, "South": 0, "All": 100}), threshold)
    assert flags[("x", "North", "All")] is expected


@pytest.mark.parametrize("unit, n, d, expected", [
    ("percent", 7, 20, False),
    ("percent", 3, 20, True),  # small numerator
    ("percent", 6, 6, False),
    ("percent", 0, 3, True),  # small denominator, even with a zero numerator
    ("percent", 0, 0, False),  # nothing to show: a zero, not suppressed
    ("percent", 0, 40, False),
    ("rate", 2, 0, True),  # Unknown's rate: no population, small numerator
    ("rate", 9, 1000, False),
    ("rate", 6, 4, True),  # a tiny population
])
def test_primary_rates_and_percentages(con, unit, n, d, expected):
    flags = suppress(con, [("x", unit, "North", "All", n, d),
                           ("x", unit, "All", "All", 500, 5000)])
    assert flags[("x", "North", "All")] is expected


def test_secondary_picks_the_smallest_non_zero_numerator(con):
    flags = suppress(con, counts({"North": 3, "South": 10, "East": 0, "Unknown": 7,
                                  "All": 20}))
    assert suppressed_localities(flags) == ["North", "Unknown"]


def test_secondary_ties_broken_by_name(con):
    cells = [("p", "percent", loc, "All", n, d) for loc, n, d in [
        ("North", 2, 40), ("South", 8, 30), ("West", 8, 20), ("East", 8, 20),
        ("All", 26, 110)]]
    assert suppressed_localities(suppress(con, cells), "p") == ["East", "North"]
    cells = counts({"North": 3, "West": 8, "South": 8, "Unknown": 8, "All": 27})
    assert suppressed_localities(suppress(con, cells)) == ["North", "South"]


@pytest.mark.parametrize("values, expected", [
    # All suppressed as well: nothing to protect against
    ({"North": 3, "South": 1, "All": 4}, ["All", "North", "South"]),
    ({"North": 3, "South": 0, "Unknown": 0, "All": 3}, ["All", "North"]),
    # two already suppressed: neither can be recovered alone
    ({"North": 3, "South": 2, "Unknown": 40, "All": 45}, ["North", "South"]),
    # nothing suppressed
    ({"North": 30, "South": 20, "All": 50}, []),
])
def test_secondary_only_when_exactly_one_locality_is_suppressed(con, values, expected):
    assert suppressed_localities(suppress(con, counts(values))) == expected


def test_a_small_denominator_is_protected_by_denominators(con):
    # North is hidden for its denominator of 3; its numerator is 0 like everyone's, so the
    # complement is chosen among the denominators: else 33 - 30 - 0 gives North's 3 away
    cells = [("p", "percent", loc, "All", n, d) for loc, n, d in [
        ("North", 0, 3), ("South", 0, 30), ("Unknown", 0, 0), ("All", 0, 33)]]
    assert suppressed_localities(suppress(con, cells), "p") == ["North", "South"]
    flags = suppress(con, counts({"North": 2, "South": 0, "Unknown": 0, "All": 2}))
    assert not flags[("x", "South", "All")]


def test_secondary_is_per_indicator_and_agency_table(con):
    # x by agency: North's 3 from the police. For the viewer the cheapest cycle runs
    # through early help; for the early-help champion (who sees that column) another
    # through social care: every inner cell ends up hidden, the totals stay visible.
    table = {"POL": {"North": 3, "South": 9}, "CSC": {"North": 20, "South": 15},
             "EH": {"North": 10, "South": 12}}
    cells = []
    for agency, by_locality in table.items():
        cells += counts({**by_locality, "All": sum(by_locality.values())}, agency=agency)
    totals = {loc: sum(t[loc] for t in table.values()) for loc in ("North", "South")}
    cells += counts({**totals, "All": sum(totals.values())}, agency="All")
    cells += counts({"North": 3, "South": 9, "All": 12}, indicator="y")
    flags = suppress(con, cells)
    for agency in table:
        assert suppressed_localities(flags, agency=agency) == ["North", "South"]
    assert suppressed_localities(flags, agency="All") == []
    assert suppressed_localities(flags, indicator="y") == ["North", "South"]


def test_whole_build_flags_small_counts(p):
    p.anchor()
    for i in range(3):
        p.child(f"n{i}").cp_plan(f"n{i}", f"n{i}", "2024-01-01")
    for i in range(8):
        p.child(f"s{i}", "NS2 1AA").cp_plan(f"s{i}", f"s{i}", "2024-01-01")
    p.build(as_at="2024-12-31")
    assert p.cell("cp_neglect_starts", E, "North").suppressed
    assert p.cell("cp_neglect_starts", E, "South").suppressed  # secondary
    assert not p.cell("cp_neglect_starts", E, "Unknown").suppressed  # a true zero
    assert not p.cell("cp_neglect_starts", E).suppressed
    # a rate is suppressed on its numerator, whatever the population
    assert p.cell("cp_neglect_rate", E, "North").suppressed
    p.build(as_at="2024-12-31", threshold=2)
    assert not p.cell("cp_neglect_starts", E, "North").suppressed
