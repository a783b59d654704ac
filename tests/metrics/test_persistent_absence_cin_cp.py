"""persistent_absence_cin_cp: persistent_absence_eh's rule for children with a CIN or CP
plan open on any day of the term. AUT 2024/25 = 2024-09-01..2024-12-31."""

from datetime import date

import pytest

AUT = date(2024, 12, 31)


def test_persistent_absence_of_children_in_need_or_on_a_plan(p):
    p.anchor()
    p.child("cin")
    p.add("cin_plans", {"cin_plan_id": "n1", "child_id": "cin", "start_date": "2024-12-31"})
    p.attended("cin", 100, 10)  # exactly 10%: persistent
    p.child("cp").cp_plan("c1", "cp", "2024-01-01", "2024-09-02")  # open one day of term
    p.attended("cp", 100, 9)
    p.child("both").cp_plan("c2", "both", "2024-01-01")
    p.add("cin_plans", {"cin_plan_id": "n2", "child_id": "both", "start_date": "2024-01-01"})
    p.attended("both", 100, 50)  # counts once
    p.child("ended").cp_plan("c3", "ended", "2024-01-01", "2024-09-01")
    p.attended("ended", 100, 50)  # ended on the term's first day: not open
    p.child("early_help_only").early_help("e", "early_help_only", "2024-01-01")
    p.attended("early_help_only", 100, 50)
    p.build(as_at="2025-08-31")
    cell = p.cell("persistent_absence_cin_cp", AUT)
    assert (cell.numerator, cell.denominator) == (2, 3)
    assert cell.value == pytest.approx(200 / 3)
