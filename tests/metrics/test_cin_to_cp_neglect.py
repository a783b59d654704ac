"""cin_to_cp_neglect: CIN plans of a neglect-related referral ending in the rolling 12
months, followed by a CP plan (any category) of the child starting on or after the CIN
plan's start and on or before its end + 7 days / those CIN plans. CIN plans with no end
date are not ending. The referral is neglect-related by its own record only (neglect_flag
or a 16A factor), never by the category of a CP plan."""

from datetime import date

import pytest

INDICATORS = ['cin_to_cp_neglect', 'referrals_neglect']  # the ones this module reads (conftest builds only these)

E = date(2024, 12, 31)


def _cin(p, ident, child, start, end, referral="neg"):
    p.add("cin_plans", {"cin_plan_id": ident, "referral_id": referral, "child_id": child,
                        "start_date": start, "end_date": end})


def test_escalation_window(p):
    p.anchor()
    for child in ("on_start", "end_plus_7", "end_plus_8", "day_before", "no_cp", "open"):
        p.child(child)
    p.referral("neg", "on_start", "2024-01-01", neglect_flag=True)
    _cin(p, "c1", "on_start", "2024-02-01", "2024-03-01")
    p.cp_plan("p1", "on_start", "2024-02-01", category="PHY")
    _cin(p, "c2", "end_plus_7", "2024-02-01", "2024-03-01")
    p.cp_plan("p2", "end_plus_7", "2024-03-08")
    _cin(p, "c3", "end_plus_8", "2024-02-01", "2024-03-01")
    p.cp_plan("p3", "end_plus_8", "2024-03-09")
    _cin(p, "c4", "day_before", "2024-02-01", "2024-03-01")
    p.cp_plan("p4", "day_before", "2024-01-31", "2024-02-20")
    _cin(p, "c5", "no_cp", "2024-02-01", "2024-03-01")
    _cin(p, "c6", "open", "2024-02-01", None)  # not ending
    p.cp_plan("p6", "open", "2024-02-10")
    p.build(as_at="2025-01-31")
    cell = p.cell("cin_to_cp_neglect", E)
    assert (cell.numerator, cell.denominator) == (2, 5)
    assert cell.value == pytest.approx(40.0)


def test_only_cin_plans_of_neglect_related_referrals_ending_in_the_window(p):
    p.anchor()
    p.child("c1")
    p.referral("neg", "c1", "2023-01-01", neglect_flag=True)
    p.referral("other", "c1", "2023-01-01")
    p.referral("via_factor", "c1", "2023-01-01")
    p.add("assessments", {"assessment_id": "a", "referral_id": "via_factor", "child_id": "c1",
                          "start_date": "2023-01-02", "factors": ["16A"]})
    _cin(p, "x1", "c1", "2023-05-01", "2024-06-01", referral="other")
    _cin(p, "x2", "c1", "2023-05-01", "2023-12-31", referral="neg")  # ended before window
    _cin(p, "x3", "c1", "2023-05-01", "2024-01-01", referral="neg")
    _cin(p, "x4", "c1", "2023-05-01", "2024-06-01", referral="via_factor")
    _cin(p, "x5", "c1", "2023-05-01", "2024-06-01", referral="not-a-referral")
    p.build(as_at="2025-01-31")
    cell = p.cell("cin_to_cp_neglect", E)
    assert (cell.numerator, cell.denominator) == (0, 2)


def test_neglect_by_the_referrals_own_record_not_by_the_plan_that_followed(p):
    """A referral neglect-related only because its CP plan was for neglect is left out
    (the outcome must not choose the denominator); one flagged, or with a 16A factor, counts
    whatever the category of the plan that followed."""
    p.anchor()
    for child in ("by_plan", "by_flag", "by_factor"):
        p.child(child)
    p.referral("r_plan", "by_plan", "2024-01-01")
    _cin(p, "k1", "by_plan", "2024-02-01", "2024-03-01", referral="r_plan")
    p.cp_plan("q1", "by_plan", "2024-03-05", category="NEG", referral_id="r_plan")
    p.referral("r_flag", "by_flag", "2024-01-01", neglect_flag=True)
    _cin(p, "k2", "by_flag", "2024-02-01", "2024-03-01", referral="r_flag")
    p.cp_plan("q2", "by_flag", "2024-03-05", category="PHY", referral_id="r_flag")
    p.referral("r_fac", "by_factor", "2024-01-01")
    p.add("assessments", {"assessment_id": "a", "referral_id": "r_fac", "child_id": "by_factor",
                          "start_date": "2024-01-02", "factors": ["16A"]})
    _cin(p, "k3", "by_factor", "2024-02-01", "2024-03-01", referral="r_fac")
    p.build(as_at="2025-01-31")
    cell = p.cell("cin_to_cp_neglect", E)
    assert (cell.numerator, cell.denominator) == (1, 2)
    # the plan still makes r_plan a neglect-related referral everywhere else
    assert p.cell("referrals_neglect", E).numerator == 3
