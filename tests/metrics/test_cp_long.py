"""cp_long: children with a CP plan open at E whose start_date <= E - 24 calendar months /
children with a plan open at E; a child with two open plans counts once, long if either is."""

from datetime import date

import pytest

INDICATORS = ['cp_long', 'cp_rate']  # the ones this module reads (conftest builds only these)

E = date(2026, 2, 28)


def test_exactly_two_years_is_long_a_day_less_is_not(p):
    p.anchor("2023-01-01")
    p.child("two_years").cp_plan("a", "two_years", "2024-02-28")  # E - 24 months: long
    p.child("leap_day").cp_plan("b", "leap_day", "2024-02-29")  # one day short
    p.child("older").cp_plan("c", "older", "2023-06-01")
    p.child("new").cp_plan("d", "new", "2026-01-01")
    p.child("ended").cp_plan("e", "ended", "2023-01-01", "2026-02-28")  # not open at E
    p.build(as_at="2026-03-31")
    cell = p.cell("cp_long", E)
    assert (cell.numerator, cell.denominator) == (2, 4)
    assert cell.value == pytest.approx(50.0)


def test_a_leap_day_month_end_looks_back_to_28_february(p):
    p.anchor("2021-01-01")
    p.child("a").cp_plan("a1", "a", "2022-02-28")  # 2024-02-29 - 24 months = 2022-02-28
    p.child("b").cp_plan("b1", "b", "2022-03-01")
    p.build(as_at="2024-03-31")
    cell = p.cell("cp_long", date(2024, 2, 29))
    assert (cell.numerator, cell.denominator) == (1, 2)


def test_a_child_with_two_open_plans_counts_once_long_if_either_is(p):
    p.anchor("2023-01-01")
    p.child("twice").cp_plan("old", "twice", "2023-01-01").cp_plan("new", "twice", "2025-06-01")
    p.child("short").cp_plan("s1", "short", "2025-06-01").cp_plan("s2", "short", "2025-07-01")
    p.build(as_at="2026-03-31")
    cell = p.cell("cp_long", E)
    assert (cell.numerator, cell.denominator) == (1, 2)
    assert p.cell("cp_rate", E).numerator == 2
