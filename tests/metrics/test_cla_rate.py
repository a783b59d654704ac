"""cla_rate / cla_neglect_rate: children with a looked_after period open at E (start <= E,
end blank or > E), all / with the open period's category N1, per 10,000 children 0-17."""

from datetime import date

import pytest

from tests.metrics.conftest import SOUTH

E = date(2024, 6, 30)


def test_open_at_the_month_end_children_once(p):
    p.anchor()
    p.child("starts_on_e")
    p.care("1", "starts_on_e", "2024-06-30")  # open on its start day
    p.child("ends_on_e")
    p.care("2", "ends_on_e", "2024-01-01", "2024-06-30")  # ended at E: not open
    p.child("ends_after", SOUTH)
    p.care("3", "ends_after", "2024-01-01", "2024-07-01", need="N4")
    p.child("two_periods")
    p.care("4", "two_periods", "2024-01-01", "2024-03-01")
    p.care("5", "two_periods", "2024-03-01", None, need="N2")  # re-entry, open: once
    p.child("starts_after")
    p.care("6", "starts_after", "2024-07-01")
    p.build(as_at="2024-12-31")
    north = p.cell("cla_rate", E, "North")
    assert (north.numerator, north.denominator) == (2, 1000)
    assert north.value == pytest.approx(20.0)
    assert p.cell("cla_rate", E, "South").numerator == 1
    assert (p.cell("cla_rate", E).numerator, p.cell("cla_rate", E).denominator) == (3, 4000)


def test_unknown_locality_has_no_rate_and_an_empty_month_is_zero(p):
    p.anchor()
    p.child("nowhere", None)
    p.care("1", "nowhere", "2024-01-01")
    p.build(as_at="2024-12-31")
    unknown = p.cell("cla_rate", E, "Unknown")
    assert (unknown.numerator, unknown.denominator, unknown.value) == (1, 0, None)
    empty = p.cell("cla_rate", date(2023, 6, 30), "North")
    assert (empty.numerator, empty.value) == (0, 0.0)
