"""tool_before_neglect_referral: neglect-related referrals from an agency in the rolling 12
months where that same agency completed a neglect tool for the child with
referral_date - 6 months <= completed_date <= referral_date / such referrals."""

from datetime import date

import pytest

E = date(2024, 6, 30)


def _tool(p, tool_id, child, agency, completed, tool="GCP2"):
    p.add("neglect_tools", {"tool_assessment_id": tool_id, "child_id": child, "tool": tool,
                            "agency": agency, "completed_date": completed})


def test_same_agency_within_six_months_up_to_the_referral_day(p):
    p.anchor()
    p.child("a").referral("ra", "a", "2024-03-31", neglect_flag=True, referral_source="5A")
    _tool(p, "t1", "a", "POL", "2023-09-30")  # referral - 6 months: counts
    p.child("b").referral("rb", "b", "2024-03-31", neglect_flag=True, referral_source="5A")
    _tool(p, "t2", "b", "POL", "2023-09-29")  # a day too early
    p.child("c").referral("rc", "c", "2024-03-31", neglect_flag=True, referral_source="3A")
    _tool(p, "t3", "c", "HEA", "2024-03-31", tool="WECAN")  # on the referral day: counts
    p.child("d").referral("rd", "d", "2024-03-31", neglect_flag=True, referral_source="3A")
    _tool(p, "t4", "d", "POL", "2024-03-01")  # another agency's tool: not counted
    p.child("e").referral("re", "e", "2024-03-31", neglect_flag=True, referral_source="3A")
    _tool(p, "t5", "e", "HEA", "2024-04-01")  # after the referral
    p.child("f").referral("rf", "f", "2024-03-31", neglect_flag=True, referral_source="9")
    _tool(p, "t6", "f", "POL", "2024-03-01")  # source no agency lists: in neither
    p.child("g").referral("rg", "g", "2024-03-31", referral_source="5A")  # not neglect
    _tool(p, "t7", "g", "POL", "2024-03-01")
    p.build(as_at="2024-12-31")
    cell = p.cell("tool_before_neglect_referral", E)
    assert (cell.numerator, cell.denominator) == (2, 5)
    assert cell.value == pytest.approx(40.0)
    pol = p.cell("tool_before_neglect_referral", E, "North", "POL")
    assert (pol.numerator, pol.denominator) == (1, 2)
    hea = p.cell("tool_before_neglect_referral", E, "North", "HEA")
    assert (hea.numerator, hea.denominator) == (1, 3)


def test_tool_agency_codes_match_the_seed_codes_case_blind(p):
    p.anchor()
    p.child("a").referral("ra", "a", "2024-03-31", neglect_flag=True, referral_source="5A")
    _tool(p, "t1", "a", " pol ", "2024-03-01")
    p.build(as_at="2024-12-31")
    assert p.cell("tool_before_neglect_referral", E).numerator == 1
