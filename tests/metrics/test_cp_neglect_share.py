"""cp_neglect_share: children with a plan open at E whose initial category is NEG /
children with a plan open at E."""

from datetime import date

import pytest

E = date(2024, 6, 30)


def test_share_of_children_on_a_plan(p):
    p.anchor()
    p.child("neg").cp_plan("a", "neg", "2024-01-10")
    p.child("phy").cp_plan("b", "phy", "2024-01-10", category="PHY")
    p.child("emo").cp_plan("c", "emo", "2024-06-30", category="EMO")
    p.child("ended").cp_plan("d", "ended", "2024-01-10", "2024-06-30")  # not open at E
    p.build(as_at="2024-12-31")
    cell = p.cell("cp_neglect_share", E, "North")
    assert (cell.numerator, cell.denominator) == (1, 3)
    assert cell.value == pytest.approx(100 / 3)


def test_a_child_with_two_open_plans_counts_once_in_each(p):
    p.anchor()
    p.child("c1").cp_plan("a", "c1", "2024-01-10").cp_plan("b", "c1", "2024-02-10",
                                                           category="PHY")
    p.child("c2").cp_plan("c", "c2", "2024-02-10", category="MUL")
    p.build(as_at="2024-12-31")
    cell = p.cell("cp_neglect_share", E)
    assert (cell.numerator, cell.denominator) == (1, 2)
    assert cell.value == pytest.approx(50.0)


def test_no_one_on_a_plan_gives_no_value(p):
    p.anchor()
    p.build(as_at="2024-12-31")
    cell = p.cell("cp_neglect_share", E)
    assert (cell.numerator, cell.denominator, cell.value) == (0, 0, None)
