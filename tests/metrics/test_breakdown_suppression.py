"""Disclosure control of indicator_breakdowns (metrics/models/marts/indicator_breakdowns.sql).

Primary as indicator_values: a count (a rate is broken down as its count) of 1..T, a
percentage whose numerator or denominator is 1..T. Secondary within one indicator, period
and dimension: one suppressed category and a visible All would give it away, so the
category with the smallest non-zero numerator is suppressed too; a true zero with a
denominator serves only where no such category is left. Run on hand-made grids.
"""

from datetime import date

import pytest

from metrics.runner import METRICS_DIR

MART = (METRICS_DIR / "models" / "marts" / "indicator_breakdowns.sql").read_text()
E = date(2025, 3, 31)


def suppress(con, unit, cells, threshold=5, dimension="sex", published_hidden=False):
    """cells: {category: numerator or (numerator, denominator)} -> suppressed categories.
    ``published_hidden``: indicator_values hides the partnership figure (a complement)."""
    con.execute("create or replace table run_parameters (as_at_override date, "
                "suppression_threshold integer, repeat_plan_window_months integer)")
    con.execute("insert into run_parameters values (null, ?, 24)", [threshold])
    con.execute("create or replace table indicator_values as select 'x' as indicator_id, "
                "?::date as period_end, 'All' as council, 'All' as locality, 'All' as agency, "
                "? as suppressed",
                [E, published_hidden])
    con.execute("create or replace table int_indicator_breakdowns__filled (indicator_id varchar, "
                "unit varchar, sort_order integer, period_end date, dimension varchar, "
                "dimension_order integer, category varchar, category_order integer, "
                "numerator bigint, denominator double, value double)")
    rows = []
    for order, (category, figures) in enumerate(cells.items()):
        n, d = figures if isinstance(figures, tuple) else (figures, None)
        rows.append(["x", unit, 1, E, dimension, 1, category, order, n, d])
    con.executemany("insert into int_indicator_breakdowns__filled values "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null)", rows)
    con.execute(f"create or replace table indicator_breakdowns as {MART}")
    return sorted(c for c, s in con.execute(
        "select category, suppressed from indicator_breakdowns").fetchall() if s)


def test_the_published_columns_are_the_specs(con):
    suppress(con, "count", {"All": 10, "Female": 10})
    columns = [r[0] for r in con.execute("describe indicator_breakdowns").fetchall()]
    # council: always 'All' (the partnership's figure; docs/councils: for uniformity)
    assert columns == ["indicator_id", "period_end", "council", "dimension", "category",
                       "numerator", "denominator", "value", "suppressed"]


@pytest.mark.parametrize("n, threshold, hidden", [(0, 5, False), (1, 5, True), (5, 5, True),
                                                  (6, 5, False), (3, 2, False)])
def test_primary_counts(con, n, threshold, hidden):
    # two small categories, so the secondary rule never adds anything here
    flags = suppress(con, "count", {"All": 100 + 2 * n, "Female": n, "Male": n, "Not known": 100},
                     threshold)
    assert flags == (["Female", "Male"] if hidden else [])


def test_a_lone_suppressed_category_takes_the_smallest_non_zero_other_with_it(con):
    flags = suppress(con, "count", {"All": 43, "Female": 3, "Male": 30, "Not known": 10,
                                    "Other": 0})
    assert flags == ["Female", "Not known"]


def test_two_suppressed_categories_need_nothing_more(con):
    assert suppress(con, "count", {"All": 37, "Female": 3, "Male": 30, "Not known": 4}) == [
        "Female", "Not known"]


def test_a_suppressed_all_needs_no_complement(con):
    # All itself is 1..5, so nothing can be subtracted from it
    assert suppress(con, "count", {"All": 4, "Female": 4, "Male": 0, "Not known": 0}) == [
        "All", "Female"]


def test_percentages_suppress_on_the_denominator_too(con):
    flags = suppress(con, "percent", {"All": (20, 113), "Female": (0, 3), "Male": (12, 60),
                                      "Not known": (8, 50)})
    # Female (denominator 3) hidden; the smallest non-zero numerator (Not known, 8) with it
    assert flags == ["Female", "Not known"]


def test_a_true_zero_serves_where_no_non_zero_category_is_left(con):
    # Unborn 0 of 3 (its denominator is small); every other category 0 of many: All minus
    # the others would give Unborn's denominator away, and only zeros are left to pair it with
    flags = suppress(con, "percent", {"All": (0, 303), "Unborn": (0, 3), "1-4": (0, 100),
                                      "5-9": (0, 200), "10-15": (0, 0)}, dimension="age_band")
    assert flags == ["1-4", "Unborn"]


def test_a_category_of_zero_without_a_denominator_is_never_the_complement(con):
    # a count's true zero tells nothing: the complement is the smallest non-zero count
    assert suppress(con, "count", {"All": 42, "Female": 2, "Male": 0, "Not known": 40}) == [
        "Female", "Not known"]


def test_all_hidden_in_indicator_values_is_hidden_here_with_a_category(con):
    # the partnership figure is a complement in indicator_values: hidden here too, and the
    # categories, which sum to it, cannot all stay visible
    flags = suppress(con, "count", {"All": 60, "Female": 30, "Male": 22, "Not known": 8},
                     published_hidden=True)
    assert flags == ["All", "Not known"]
    assert suppress(con, "count", {"All": 60, "Female": 30, "Male": 22, "Not known": 8}) == []
