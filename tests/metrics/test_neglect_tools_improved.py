"""neglect_tools_improved: rescores completed in the rolling 12 months whose
overall_grade is lower than the previous assessment's (same child and tool, the one
immediately before by completed_date then tool_assessment_id) / rescores with both
grades present. A blank grade leaves the rescore out of both."""

from datetime import date

import pytest

INDICATORS = ['neglect_tools_improved', 'neglect_tools_completed']  # the ones this module reads (conftest builds only these)

E = date(2024, 6, 30)


def _tool(p, ident, child, completed, grade, tool="GCP2", agency="HEA"):
    p.add("neglect_tools", {"tool_assessment_id": ident, "child_id": child, "tool": tool,
                            "agency": agency, "completed_date": completed,
                            "overall_grade": grade})


def test_improvement_against_the_assessment_immediately_before(p):
    p.anchor()
    p.child("c1")
    _tool(p, "a1", "c1", "2023-01-01", 5)
    _tool(p, "a2", "c1", "2023-09-01", 4)  # rescore, improved
    _tool(p, "a3", "c1", "2024-01-01", 4)  # same grade: not improved
    _tool(p, "a4", "c1", "2024-03-01", 2)  # improved against a3 (not a1)
    _tool(p, "w1", "c1", "2024-02-01", 1, tool="WECAN")  # first with this tool
    p.build(as_at="2024-12-31")
    cell = p.cell("neglect_tools_improved", E)
    assert (cell.numerator, cell.denominator) == (2, 3)
    assert cell.value == pytest.approx(200 / 3)


def test_blank_grades_leave_the_rescore_out(p):
    p.anchor()
    p.child("c1")
    _tool(p, "a1", "c1", "2023-09-01", 4)
    _tool(p, "a2", "c1", "2023-10-01", None)  # left out
    _tool(p, "a3", "c1", "2023-11-01", 3)  # previous grade blank: left out
    _tool(p, "a4", "c1", "2023-12-01", 2)  # improved against a3
    p.build(as_at="2024-12-31")
    cell = p.cell("neglect_tools_improved", E)
    assert (cell.numerator, cell.denominator) == (1, 1)
    # the count of tools completed still includes them all
    assert p.cell("neglect_tools_completed", E).numerator == 4


def test_same_day_ordered_by_id_and_agency_of_the_rescore(p):
    p.anchor()
    p.child("c1")
    _tool(p, "b", "c1", "2024-02-01", 2, agency="POL")  # after "a" on the same day
    _tool(p, "a", "c1", "2024-02-01", 3, agency="HEA")  # first assessment
    p.build(as_at="2024-12-31")
    pol = p.cell("neglect_tools_improved", E, "North", "POL")
    assert (pol.numerator, pol.denominator) == (1, 1)
    hea = p.cell("neglect_tools_improved", E, "North", "HEA")
    assert (hea.numerator, hea.denominator) == (0, 0)
