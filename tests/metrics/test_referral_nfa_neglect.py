"""referral_nfa_neglect: neglect-related referrals in the rolling 12 months with
referral_nfa Y / neglect-related referrals in the rolling 12 months, by locality and agency."""

from datetime import date

import pytest

INDICATORS = ['referral_nfa_neglect', 'referral_nfa']  # the ones this module reads (conftest builds only these)

E = date(2024, 6, 30)


def test_only_neglect_related_referrals_count(p):
    p.anchor()
    p.child("c1")
    p.referral("flag_nfa", "c1", "2023-07-01", neglect_flag=True, referral_nfa=True,
               referral_source="5A")
    p.referral("flag_kept", "c1", "2023-08-01", neglect_flag=True, referral_nfa=False,
               referral_source="5A")
    p.referral("not_neglect_nfa", "c1", "2023-09-01", referral_nfa=True)  # not in either
    p.referral("by_factor_nfa", "c1", "2023-10-01", referral_nfa=True, referral_source="3A")
    p.add("assessments", {"assessment_id": "a1", "referral_id": "by_factor_nfa",
                          "child_id": "c1", "start_date": "2023-10-02", "factors": ["16A"]})
    p.referral("by_plan", "c1", "2023-11-01", referral_source="3A")  # NFA blank: kept
    p.cp_plan("p1", "c1", "2023-12-01", category="PHY", latest_category="NEG",
              referral_id="by_plan")
    p.referral("before_window", "c1", "2023-06-30", neglect_flag=True, referral_nfa=True)
    p.build(as_at="2024-12-31")
    cell = p.cell("referral_nfa_neglect", E)
    assert (cell.numerator, cell.denominator) == (2, 4)
    assert cell.value == pytest.approx(50.0)
    pol = p.cell("referral_nfa_neglect", E, "North", "POL")
    assert (pol.numerator, pol.denominator) == (1, 2)
    hea = p.cell("referral_nfa_neglect", E, "North", "HEA")
    assert (hea.numerator, hea.denominator) == (1, 2)
    assert p.cell("referral_nfa", E).denominator == 5
