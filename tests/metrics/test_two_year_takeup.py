"""two_year_takeup: per term, children on the term's list with registered Y / children
on the term's list. Term 'YYYY-SPR' ends 31 March, SUM 31 July, AUT 31 December."""

from datetime import date

import pytest

from tests.metrics.conftest import SOUTH


def _listed(p, term, child, registered, postcode=None):
    p.add("two_year_olds", {"term": term, "child_id": child, "registered": registered,
                            "postcode": postcode})


def test_take_up_per_term_and_locality(p):
    p.child("k1").child("k2").child("k3", SOUTH)
    p.referral("r", "k1", "2025-08-01")  # the as-at date
    _listed(p, "2025-SPR", "k1", True)
    _listed(p, "2025-SPR", "k2", False)
    _listed(p, "2025-SPR", "k3", True)
    _listed(p, "2025-SPR", "k4", True, postcode="NS2 9AB")  # no children row, own postcode
    _listed(p, "2025-SPR", "k5", False)  # no children row, no postcode: Unknown
    _listed(p, "2025-SUM", "k1", True)
    _listed(p, "2024-AUT", "k2", True)
    p.build()
    assert p.periods("two_year_takeup") == [date(2024, 12, 31), date(2025, 3, 31),
                                            date(2025, 7, 31)]
    spring = date(2025, 3, 31)
    north = p.cell("two_year_takeup", spring, "North")
    assert (north.numerator, north.denominator, north.value) == (1, 2, 50.0)
    south = p.cell("two_year_takeup", spring, "South")
    assert (south.numerator, south.denominator) == (2, 2)
    unknown = p.cell("two_year_takeup", spring, "Unknown")
    assert (unknown.numerator, unknown.denominator) == (0, 1)
    all_ = p.cell("two_year_takeup", spring)
    assert (all_.numerator, all_.denominator) == (3, 5)
    assert all_.value == pytest.approx(60.0)
    assert p.cell("two_year_takeup", date(2025, 7, 31)).value == 100.0
    assert p.cell("two_year_takeup", date(2025, 7, 31), "South").value is None


def test_terms_after_the_as_at_date_are_left_out(p):
    _listed(p, "2025-SPR", "k1", True)
    _listed(p, "2025-AUT", "k1", True)
    p.build(as_at="2025-09-01")
    assert p.periods("two_year_takeup") == [date(2025, 3, 31)]
