"""attendance_eh: over persistent_absence_eh's children, sum(possible - missed) /
sum(possible); persistent_absence_cin_cp: persistent_absence_eh's rule for children with a
CIN or CP plan open on any day of the term. AUT 2024/25 = 2024-09-01..2024-12-31."""

from datetime import date

import pytest

INDICATORS = ['attendance_eh', 'persistent_absence_eh']  # the ones this module reads (conftest builds only these)

AUT = date(2024, 12, 31)


def test_attendance_sums_sessions_over_the_early_help_children(p):
    p.anchor()
    p.child("a").early_help("ea", "a", "2024-01-01")
    p.attended("a", 100, 10)
    p.attended("a", 50, 5)  # two rows of one term are summed
    p.child("b").early_help("eb", "b", "2024-10-01", "2024-11-01")
    p.attended("b", 150, 60)
    p.child("no_eh")
    p.attended("no_eh", 100, 100)  # not open to early help: left out
    p.child("closed").early_help("ec", "closed", "2024-01-01", "2024-09-01")
    p.attended("closed", 100, 0)  # ended on the term's first day: not open
    p.build(as_at="2025-08-31")
    cell = p.cell("attendance_eh", AUT)
    assert (cell.numerator, cell.denominator) == (135 + 90, 300)
    assert cell.value == pytest.approx(75.0)
    # the same children as persistent absence's denominator
    assert p.cell("persistent_absence_eh", AUT).denominator == 2


def test_no_attendance_rows_give_an_empty_term_not_a_division_by_zero(p):
    p.anchor()
    p.child("a").early_help("ea", "a", "2024-01-01")
    p.child("b")
    p.attended("b", 100, 10)  # the term exists, but no early help child attended
    p.build(as_at="2025-08-31")
    cell = p.cell("attendance_eh", AUT)
    assert (cell.numerator, cell.denominator, cell.value) == (0, 0, None)
