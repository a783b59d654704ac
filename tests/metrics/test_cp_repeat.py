"""cp_repeat: plans starting in the rolling 12 months that are second or subsequent
(previous_cp_plans > 0, or another plan of the child with an earlier start_date, however
long ago) / plans starting in the rolling 12 months."""

from datetime import date

import pytest

E = date(2024, 6, 30)


def test_second_or_subsequent(p):
    p.anchor()
    p.child("long_ago").cp_plan("a1", "long_ago", "2010-05-01", "2011-01-01")
    p.cp_plan("a2", "long_ago", "2024-01-01", category="PHY")
    p.child("elsewhere").cp_plan("b1", "elsewhere", "2024-02-01", previous_cp_plans=1)
    p.child("first").cp_plan("c1", "first", "2024-03-01", previous_cp_plans=0)
    p.child("blank").cp_plan("d1", "blank", "2024-03-01")
    p.build(as_at="2024-12-31")
    cell = p.cell("cp_repeat", E)
    assert (cell.numerator, cell.denominator) == (2, 4)
    assert cell.value == pytest.approx(50.0)


def test_both_plans_of_a_child_in_one_window(p):
    p.anchor()
    p.child("c1").cp_plan("p1", "c1", "2023-08-01", "2023-10-01")
    p.cp_plan("p2", "c1", "2024-01-01")
    p.build(as_at="2024-12-31")
    cell = p.cell("cp_repeat", E)
    assert (cell.numerator, cell.denominator) == (1, 2)


def test_a_plan_starting_the_same_day_is_not_earlier(p):
    p.anchor()
    p.child("c1").cp_plan("p1", "c1", "2024-01-01", "2024-01-02")
    p.cp_plan("p2", "c1", "2024-01-01")
    p.build(as_at="2024-12-31")
    assert p.cell("cp_repeat", E).numerator == 0
