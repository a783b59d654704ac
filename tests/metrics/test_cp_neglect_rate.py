"""cp_neglect_rate: children with a CP plan open at E with initial category NEG, per
10,000 children 0-17 (open at E: start <= E and end blank or > E)."""

from datetime import date

import pytest

from tests.metrics.conftest import SOUTH

E = date(2024, 6, 30)


def test_open_at_the_month_end(p):
    p.anchor()
    p.child("open").cp_plan("a", "open", "2024-01-10")  # no end
    p.child("starts_on_e").cp_plan("b", "starts_on_e", "2024-06-30", "2024-09-01")
    p.child("ends_on_e").cp_plan("c", "ends_on_e", "2024-01-10", "2024-06-30")
    p.child("ends_after").cp_plan("d", "ends_after", "2024-01-10", "2024-07-01")
    p.child("starts_after").cp_plan("e", "starts_after", "2024-07-01")
    p.child("ended").cp_plan("f", "ended", "2023-01-10", "2023-06-01")
    p.build(as_at="2024-12-31")
    cell = p.cell("cp_neglect_rate", E, "North")
    assert cell.numerator == 3  # open, starts_on_e, ends_after
    assert cell.denominator == 1000
    assert cell.value == pytest.approx(30.0)


def test_only_the_initial_category_counts_and_children_count_once(p):
    p.anchor()
    p.child("phy").cp_plan("a", "phy", "2024-01-10", category="PHY", latest_category="NEG")
    # two open NEG plans of one child (bad data) still make one child
    p.child("twice").cp_plan("b", "twice", "2024-01-10").cp_plan("c", "twice", "2024-02-10")
    p.child("south", SOUTH).cp_plan("d", "south", "2024-03-01")
    p.build(as_at="2024-12-31")
    assert p.cell("cp_neglect_rate", E, "North").numerator == 1
    all_ = p.cell("cp_neglect_rate", E)
    assert (all_.numerator, all_.denominator) == (2, 4000)
    assert all_.value == pytest.approx(5.0)


def test_unknown_locality_has_a_count_but_no_rate(p):
    p.anchor()
    p.cp_plan("a", "no-children-row", "2024-01-10")
    p.build(as_at="2024-12-31")
    cell = p.cell("cp_neglect_rate", E, "Unknown")
    assert (cell.numerator, cell.denominator, cell.value) == (1, 0, None)
