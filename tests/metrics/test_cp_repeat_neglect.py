"""cp_repeat_neglect: as cp_repeat, numerator and denominator restricted to plans with
initial category NEG; counts plans; the earlier plan may be of any category."""

from datetime import date

import pytest

INDICATORS = ['cp_repeat_neglect', 'cp_repeat']  # the ones this module reads (conftest builds only these)

E = date(2024, 6, 30)


def test_neglect_plans_only_with_earlier_plan_of_any_category(p):
    p.anchor()
    p.child("c1").cp_plan("a1", "c1", "2019-01-01", "2019-06-01", category="EMO")
    p.cp_plan("a2", "c1", "2024-01-01")  # NEG, second
    p.child("c2").cp_plan("b1", "c2", "2024-02-01")  # NEG, first
    p.child("c3").cp_plan("x1", "c3", "2018-01-01", "2018-02-01")
    p.cp_plan("x2", "c3", "2024-02-01", category="PHY")  # repeat, but not NEG
    p.child("c4").cp_plan("d1", "c4", "2024-03-01", previous_cp_plans=2)  # NEG, second
    p.build(as_at="2024-12-31")
    cell = p.cell("cp_repeat_neglect", E)
    assert (cell.numerator, cell.denominator) == (2, 3)
    assert cell.value == pytest.approx(200 / 3)
    # cp_repeat counts every category
    assert p.cell("cp_repeat", E).numerator == 3


def test_plans_not_children(p):
    p.anchor()
    p.child("c1").cp_plan("a1", "c1", "2023-08-01", "2023-09-01")
    p.cp_plan("a2", "c1", "2023-10-01", "2023-11-01")
    p.cp_plan("a3", "c1", "2024-01-01")
    p.build(as_at="2024-12-31")
    cell = p.cell("cp_repeat_neglect", E)
    assert (cell.numerator, cell.denominator) == (2, 3)
