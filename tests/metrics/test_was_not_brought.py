"""was_not_brought: appointments in the rolling 12 months of children with an early help
episode, a CIN plan or a CP plan open on the appointment date (the end day counts) with
outcome WAS_NOT_BROUGHT / those appointments other than CANCELLED_BY_SERVICE; by the row's
agency (the provider)."""

from datetime import date

import pytest

INDICATORS = ['was_not_brought', 'eh_assessments']  # the ones this module reads (conftest builds only these)

E = date(2025, 3, 31)


def _appointment(p, ident, child, day, outcome, agency="HEA"):
    p.add("health_appointments", {"appointment_id": ident, "child_id": child,
                                  "agency": agency, "appointment_date": day,
                                  "service": "HEALTH_VISITING", "outcome": outcome})


def test_appointments_of_children_known_to_services(p):
    p.anchor()
    for child in ("eh", "cin", "cp", "unknown"):
        p.child(child)
    p.early_help("e1", "eh", "2024-05-01", "2024-08-31")
    p.add("cin_plans", {"cin_plan_id": "cin1", "referral_id": "r", "child_id": "cin",
                        "start_date": "2024-06-01"})
    p.cp_plan("cp1", "cp", "2024-06-01", "2024-09-01")
    _appointment(p, "a1", "eh", "2024-05-01", "WAS_NOT_BROUGHT")      # the start day
    _appointment(p, "a2", "eh", "2024-08-31", "WAS_NOT_BROUGHT")      # the end day counts
    _appointment(p, "a3", "eh", "2024-09-01", "WAS_NOT_BROUGHT")      # the day after: not known
    _appointment(p, "a4", "eh", "2024-06-01", "ATTENDED")
    _appointment(p, "a5", "cin", "2024-07-01", "CANCELLED_BY_SERVICE")  # in neither part
    _appointment(p, "a6", "cin", "2024-07-02", "CANCELLED_BY_FAMILY")   # denominator only
    _appointment(p, "a7", "cp", "2024-09-01", "WAS_NOT_BROUGHT", agency="XYZ")  # unlisted
    _appointment(p, "a8", "unknown", "2024-07-01", "WAS_NOT_BROUGHT")
    _appointment(p, "a9", "cin", "2024-03-31", "WAS_NOT_BROUGHT")     # before the window
    p.build(as_at="2025-06-30")
    cell = p.cell("was_not_brought", E)
    assert (cell.numerator, cell.denominator) == (3, 5)
    assert cell.value == pytest.approx(60.0)
    hea = p.cell("was_not_brought", E, "All", "HEA")
    assert (hea.numerator, hea.denominator) == (2, 4)  # XYZ counts in agency All only
    assert p.cell("was_not_brought", E, "North", "POL").denominator == 0


def test_not_computed_without_appointments(p):
    p.anchor()
    p.child("c1").early_help("e1", "c1", "2024-05-01")
    p.build(as_at="2025-06-30")
    assert p.periods("was_not_brought") == []
    assert p.periods("eh_assessments")
