"""rereferral_neglect: as rereferral, restricted to neglect-related referrals (the
earlier referral may be of any kind). Neglect-related: neglect_flag Y, or an assessment
with factor 16A, or a CP plan of the referral with initial or latest category NEG."""

from datetime import date

import pytest

INDICATORS = ['rereferral_neglect', 'rereferral']  # the ones this module reads (conftest builds only these)

E = date(2024, 6, 30)


def _assessment(p, ident, referral_id, child_id, factors):
    p.add("assessments", {"assessment_id": ident, "referral_id": referral_id,
                          "child_id": child_id, "start_date": "2024-03-01",
                          "factors": factors})


def test_each_route_to_neglect_related(p):
    p.anchor()
    for child in ("flag", "factor", "initial", "latest", "none"):
        p.child(child).referral(f"{child}-0", child, "2023-12-01")  # earlier, any kind
    p.referral("flag-1", "flag", "2024-02-01", neglect_flag=True)
    p.referral("factor-1", "factor", "2024-02-01", neglect_flag=False)
    _assessment(p, "a1", "factor-1", "factor", ["3B", "16A"])
    p.referral("initial-1", "initial", "2024-02-01")
    p.cp_plan("cp1", "initial", "2024-03-01", referral_id="initial-1")
    p.referral("latest-1", "latest", "2024-02-01")
    p.cp_plan("cp2", "latest", "2024-03-01", category="PHY", latest_category="NEG",
              referral_id="latest-1")
    p.referral("none-1", "none", "2024-02-01")
    _assessment(p, "a2", "none-1", "none", ["16B"])  # not 16A
    p.cp_plan("cp3", "none", "2024-03-01", category="EMO", referral_id="none-1")
    p.build(as_at="2024-12-31")
    cell = p.cell("rereferral_neglect", E)
    assert (cell.numerator, cell.denominator) == (4, 4)
    assert cell.value == pytest.approx(100.0)
    assert p.cell("rereferral", E).denominator == 10


def test_earlier_referral_may_be_of_any_kind_but_must_be_within_12_months(p):
    p.anchor()
    p.child("c1").referral("r0", "c1", "2023-01-31")
    p.referral("r1", "c1", "2024-01-31", neglect_flag=True)  # r0 is exactly 12 months before
    p.child("c2").referral("s0", "c2", "2023-01-30")
    p.referral("s1", "c2", "2024-01-31", neglect_flag=True)  # 12 months and a day
    p.child("c3").referral("t1", "c3", "2024-03-01", neglect_flag=True)
    p.referral("t2", "c3", "2024-03-01")  # same day: not earlier
    p.build(as_at="2024-12-31")
    cell = p.cell("rereferral_neglect", E)
    assert (cell.numerator, cell.denominator) == (1, 3)


def test_agency_breakdown(p):
    p.anchor()
    p.child("c1").referral("r0", "c1", "2024-01-01", referral_source="3A")
    p.referral("r1", "c1", "2024-02-01", neglect_flag=True, referral_source="5B")
    p.referral("r2", "c1", "2024-03-01", neglect_flag=True, referral_source="1A")  # unmapped
    p.build(as_at="2024-12-31")
    assert p.cell("rereferral_neglect", E, "North", "POL").numerator == 1
    assert p.cell("rereferral_neglect", E, "North", "HEA").denominator == 0
    cell = p.cell("rereferral_neglect", E, "North", "All")
    assert (cell.numerator, cell.denominator) == (2, 2)
