"""rereferral_after_assessment: neglect-related referrals d in the rolling 12 months whose
child had another referral p (any kind, d - 12 months <= p < d) with an assessment that
started strictly before d / neglect-related referrals in the rolling 12 months."""

from datetime import date

import pytest

E = date(2024, 6, 30)


def _assessment(p, assessment_id, referral_id, child, start):
    p.add("assessments", {"assessment_id": assessment_id, "referral_id": referral_id,
                          "child_id": child, "start_date": start})


def test_the_earlier_referral_must_have_been_assessed_before(p):
    p.anchor()
    # assessed earlier referral (not neglect) within 12 months: counts
    p.child("a").referral("a0", "a", "2023-05-01").referral(
        "a1", "a", "2024-01-10", neglect_flag=True, referral_source="5A")
    _assessment(p, "aa", "a0", "a", "2023-05-02")
    # earlier referral never assessed: not counted
    p.child("b").referral("b0", "b", "2023-09-01").referral("b1", "b", "2024-02-01",
                                                            neglect_flag=True)
    # the earlier referral's assessment starts on the re-referral's own date: not counted
    p.child("c").referral("c0", "c", "2023-09-01").referral("c1", "c", "2024-03-01",
                                                            neglect_flag=True)
    _assessment(p, "ca", "c0", "c", "2024-03-01")
    # assessed earlier referral more than 12 months before: not counted
    p.child("d").referral("d0", "d", "2023-01-31").referral("d1", "d", "2024-02-01",
                                                            neglect_flag=True)
    _assessment(p, "da", "d0", "d", "2023-02-01")
    # exactly 12 months before (d - 12 months <= p): counts
    p.child("e").referral("e0", "e", "2023-02-28").referral("e1", "e", "2024-02-29",
                                                            neglect_flag=True)
    _assessment(p, "ea", "e0", "e", "2023-03-01")
    # not neglect-related: in neither
    p.child("f").referral("f0", "f", "2023-09-01").referral("f1", "f", "2024-02-01")
    _assessment(p, "fa", "f0", "f", "2023-09-02")
    p.build(as_at="2024-12-31")
    cell = p.cell("rereferral_after_assessment", E)
    assert (cell.numerator, cell.denominator) == (2, 5)
    assert cell.value == pytest.approx(40.0)
    pol = p.cell("rereferral_after_assessment", E, "North", "POL")
    assert (pol.numerator, pol.denominator) == (1, 1)


def test_same_day_referrals_are_not_rereferrals(p):
    p.anchor()
    p.child("a").referral("a0", "a", "2024-01-10").referral("a1", "a", "2024-01-10",
                                                            neglect_flag=True)
    _assessment(p, "aa", "a0", "a", "2024-01-05")
    p.build(as_at="2024-12-31")
    cell = p.cell("rereferral_after_assessment", E)
    assert (cell.numerator, cell.denominator) == (0, 1)
