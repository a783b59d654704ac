"""cp_rate: children with a plan open at E (any category) per 10,000 children 0-17."""

from datetime import date

import pytest

from tests.metrics.conftest import SOUTH

E = date(2024, 6, 30)


def test_all_categories_children_once(p):
    p.anchor()
    p.child("a").cp_plan("a1", "a", "2024-01-10", category="PHY")
    p.child("b").cp_plan("b1", "b", "2023-01-10", "2024-03-01").cp_plan("b2", "b", "2024-04-01",
                                                                         category="SAB")
    p.child("c", SOUTH).cp_plan("c1", "c", "2024-06-30", category="EMO")
    p.child("d", SOUTH).cp_plan("d1", "d", "2024-02-01", "2024-06-30")  # ended at E
    p.build(as_at="2024-12-31")
    north = p.cell("cp_rate", E, "North")
    assert (north.numerator, north.denominator) == (2, 1000)
    assert north.value == pytest.approx(20.0)
    all_ = p.cell("cp_rate", E)
    assert (all_.numerator, all_.denominator) == (3, 4000)
    assert all_.value == pytest.approx(7.5)


def test_population_year_follows_the_month_end(p):
    p.anchor()
    p.child("a").cp_plan("a1", "a", "2024-01-10")
    p.build(as_at="2025-01-31")
    assert p.cell("cp_rate", date(2024, 12, 31), "North").value == pytest.approx(10.0)
    assert p.cell("cp_rate", date(2025, 1, 31), "North").value == pytest.approx(1 / 1100 * 1e4)


def test_a_plan_ending_the_day_it_starts_is_never_open(p):
    # ingest quarantines it (end must be after start); if one got through, it is not open
    p.anchor()
    p.child("a").cp_plan("a1", "a", "2024-06-30", "2024-06-30")
    p.child("b").cp_plan("b1", "b", "2024-06-29", "2024-06-30")
    p.build(as_at="2024-12-31")
    assert p.cell("cp_rate", E).numerator == 0
    assert p.cell("cp_rate", date(2024, 5, 31)).numerator == 0
