"""cp_repeat_2y: plans starting in the rolling 12 months where the child has another
plan with start - 24 months <= end_date < start / plans starting in the rolling 12 months.
previous_cp_plans is not used; the window is configurable."""

from datetime import date

import pytest

E = date(2024, 6, 30)


def _plans(p):
    p.anchor()
    p.child("edge").cp_plan("a1", "edge", "2021-01-01", "2022-03-01")
    p.cp_plan("a2", "edge", "2024-03-01")  # earlier end exactly 24 months before
    p.child("too_old").cp_plan("b1", "too_old", "2021-01-01", "2022-02-29" if False else
                               "2022-02-28")
    p.cp_plan("b2", "too_old", "2024-03-01")  # 24 months and a day
    p.child("recent").cp_plan("c1", "recent", "2023-01-01", "2023-12-01", category="PHY")
    p.cp_plan("c2", "recent", "2024-01-15")
    p.child("reported").cp_plan("d1", "reported", "2024-02-01", previous_cp_plans=3)
    p.child("open_before").cp_plan("e1", "open_before", "2021-01-01")  # never ended
    p.cp_plan("e2", "open_before", "2024-04-01")


def test_repeat_within_two_years(p):
    _plans(p)
    p.build(as_at="2024-12-31")
    cell = p.cell("cp_repeat_2y", E)
    assert (cell.numerator, cell.denominator) == (2, 5)  # edge and recent
    assert cell.value == pytest.approx(40.0)


def test_window_is_configurable(p):
    _plans(p)
    p.build(as_at="2024-12-31", window=12)
    assert p.cell("cp_repeat_2y", E).numerator == 1  # only recent


def test_leap_day_start_minus_24_months(p):
    p.anchor()
    p.child("c1").cp_plan("a1", "c1", "2021-01-01", "2022-02-28")
    p.cp_plan("a2", "c1", "2024-02-29")  # 2024-02-29 - 24 months = 2022-02-28
    p.child("c2").cp_plan("b1", "c2", "2021-01-01", "2022-02-27")
    p.cp_plan("b2", "c2", "2024-02-29")
    p.build(as_at="2024-12-31")
    assert p.cell("cp_repeat_2y", E).numerator == 1
