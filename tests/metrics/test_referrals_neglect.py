"""referrals_neglect: neglect-related referrals in the rolling 12 months per 10,000
children 0-17 (the locality's population, also on agency rows)."""

from datetime import date

import pytest

from tests.metrics.conftest import SOUTH

E = date(2024, 6, 30)  # window 2023-07-01 .. 2024-06-30


def test_neglect_related_referrals_counted_once_each(p):
    p.anchor()
    p.child("c1").child("c2", SOUTH)
    p.referral("r1", "c1", "2023-07-01", neglect_flag=True, referral_source="5A")
    p.referral("r2", "c1", "2024-06-30", referral_source="3A")
    for ident in ("a1", "a2"):  # two 16A assessments: still one referral
        p.add("assessments", {"assessment_id": ident, "referral_id": "r2", "child_id": "c1",
                              "start_date": "2024-06-30", "factors": ["16A"]})
    p.referral("r3", "c1", "2023-06-30", neglect_flag=True)  # before the window
    p.referral("r4", "c2", "2024-01-01", neglect_flag=False)  # not neglect-related
    p.referral("r5", "c2", "2024-01-02", neglect_flag=True)  # no agency: All only
    p.build(as_at="2024-12-31")
    north = p.cell("referrals_neglect", E, "North")
    assert (north.numerator, north.denominator) == (2, 1000)
    assert north.value == pytest.approx(20.0)
    assert p.cell("referrals_neglect", E, "North", "POL").value == pytest.approx(10.0)
    assert p.cell("referrals_neglect", E, "North", "HEA").denominator == 1000
    assert p.cell("referrals_neglect", E, "South", "All").numerator == 1
    assert p.cell("referrals_neglect", E, "All", "All").value == pytest.approx(3 / 4000 * 1e4)
    assert p.cell("referrals_neglect", E, "All", "POL").numerator == 1


def test_a_cp_plan_naming_another_referral_does_not_make_this_one_neglect(p):
    p.anchor()
    p.child("c1").referral("r1", "c1", "2024-01-01").referral("r2", "c1", "2024-02-01")
    p.cp_plan("cp", "c1", "2024-03-01", referral_id="r2")
    p.build(as_at="2024-12-31")
    assert p.cell("referrals_neglect", E).numerator == 1
