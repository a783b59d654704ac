"""neglect_tools_completed: tool assessments completed in the rolling 12 months (a
count), by agency."""

from datetime import date

E = date(2024, 6, 30)


def _tool(p, ident, child, completed, agency="HEA", tool="GCP2"):
    p.add("neglect_tools", {"tool_assessment_id": ident, "child_id": child, "tool": tool,
                            "agency": agency, "completed_date": completed})


def test_counts_by_agency_and_locality(p):
    p.anchor()
    p.child("c1")
    _tool(p, "t1", "c1", "2023-07-01")
    _tool(p, "t2", "c1", "2024-06-30", tool="WECAN")
    _tool(p, "t3", "c1", "2024-07-01")
    _tool(p, "t4", "c1", "2024-01-01", agency="POL")
    _tool(p, "t5", "stranger", "2024-01-01", agency="NOT_LISTED")
    p.build(as_at="2024-12-31")
    hea = p.cell("neglect_tools_completed", E, "North", "HEA")
    assert (hea.numerator, hea.denominator, hea.value) == (2, None, 2.0)
    assert p.cell("neglect_tools_completed", E, "North", "POL").numerator == 1
    assert p.cell("neglect_tools_completed", E, "Unknown", "All").numerator == 1
    assert p.cell("neglect_tools_completed", E, "All", "All").numerator == 4
