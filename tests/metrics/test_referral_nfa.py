"""referral_nfa: referrals in the rolling 12 months with referral_nfa Y / referrals in
the rolling 12 months, by locality and referral agency."""

from datetime import date

import pytest

E = date(2024, 6, 30)


def test_share_closed_with_no_further_action(p):
    p.anchor()
    p.child("c1")
    p.referral("r1", "c1", "2023-07-01", referral_nfa=True, referral_source="5A")
    p.referral("r2", "c1", "2023-09-01", referral_nfa=False, referral_source="5A")
    p.referral("r3", "c1", "2023-10-01", referral_source="2A")  # blank: not NFA
    p.referral("r4", "c1", "2024-07-01", referral_nfa=True)  # after E
    p.build(as_at="2024-12-31")
    cell = p.cell("referral_nfa", E)
    assert (cell.numerator, cell.denominator) == (1, 3)
    assert cell.value == pytest.approx(100 / 3)
    pol = p.cell("referral_nfa", E, "North", "POL")  # 5A: POL is listed before EDU
    assert (pol.numerator, pol.denominator, pol.value) == (1, 2, 50.0)
    edu = p.cell("referral_nfa", E, "North", "EDU")
    assert (edu.numerator, edu.denominator) == (0, 1)


def test_referral_source_codes_are_matched_after_trimming_and_case(p):
    p.anchor()
    p.child("c1").referral("r1", "c1", "2024-01-01", referral_source="3b")
    p.build(as_at="2024-12-31")
    assert p.cell("referral_nfa", E, "North", "HEA").denominator == 1
