"""icpc_to_plan: enquiries with icpc_date in the rolling 12 months (not icpc_not_required)
where a CP plan of the child starts from icpc_date to icpc_date + 7 days / those
enquiries."""

from datetime import date

import pytest

INDICATORS = ['icpc_to_plan', 'icpc_timely']  # the ones this module reads (conftest builds only these)

E = date(2025, 3, 31)


def _s47(p, ident, child, icpc, not_required=None):
    p.add("s47_enquiries", {"s47_id": ident, "child_id": child, "start_date": "2024-05-01",
                            "icpc_date": icpc, "icpc_not_required": not_required})


def test_plan_from_the_conference_day_to_seven_days_after(p):
    p.anchor()
    for child in ("same_day", "day_7", "day_8", "day_before", "other_child", "none", "nr"):
        p.child(child)
    _s47(p, "s1", "same_day", "2024-06-10")
    p.cp_plan("cp1", "same_day", "2024-06-10")
    _s47(p, "s2", "day_7", "2024-06-10")
    p.cp_plan("cp2", "day_7", "2024-06-17")
    _s47(p, "s3", "day_8", "2024-06-10")
    p.cp_plan("cp3", "day_8", "2024-06-18")
    _s47(p, "s4", "day_before", "2024-06-10")
    p.cp_plan("cp4", "day_before", "2024-06-09")
    _s47(p, "s5", "other_child", "2024-06-10")
    p.cp_plan("cp5", "none", "2024-06-10")  # another child's plan
    _s47(p, "s6", "nr", "2024-06-10", not_required=True)  # in neither part
    p.cp_plan("cp6", "nr", "2024-06-10")
    p.build(as_at="2025-06-30")
    cell = p.cell("icpc_to_plan", E)
    assert (cell.numerator, cell.denominator) == (2, 5)
    assert cell.value == pytest.approx(40.0)
    # the conferences held are icpc_timely's denominator too
    assert p.cell("icpc_timely", E).denominator == 5


def test_a_second_plan_counts_the_conference_once(p):
    p.anchor()
    p.child("c1")
    _s47(p, "s1", "c1", "2024-06-10")
    p.cp_plan("cp1", "c1", "2024-06-11", "2024-06-12")
    p.cp_plan("cp2", "c1", "2024-06-13")
    p.build(as_at="2025-06-30")
    assert (p.cell("icpc_to_plan", E).numerator, p.cell("icpc_to_plan", E).denominator) == (1, 1)
