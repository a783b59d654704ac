"""cp_neglect_starts: plans with start_date in the rolling 12 months and initial
category NEG (a count of plans)."""

from datetime import date

E = date(2024, 6, 30)  # window 2023-07-01 .. 2024-06-30


def test_counts_neglect_plans_starting_in_the_window(p):
    p.anchor()
    p.child("c1")
    p.cp_plan("first_day", "c1", "2023-07-01", "2023-08-01")
    p.cp_plan("last_day", "c1", "2024-06-30")
    p.cp_plan("before", "c1", "2023-06-30", "2023-06-30")
    p.cp_plan("after", "c1", "2024-07-01")
    p.cp_plan("physical", "c1", "2024-01-01", category="PHY", latest_category="NEG")
    p.build(as_at="2024-12-31")
    cell = p.cell("cp_neglect_starts", E, "North")
    # each plan counts, even two of one child
    assert (cell.numerator, cell.denominator, cell.value) == (2, None, 2.0)
    assert p.cell("cp_neglect_starts", E).numerator == 2
    assert p.cell("cp_neglect_starts", E, "South").numerator == 0


def test_leap_day_start_is_in_exactly_the_windows_that_hold_it(p):
    p.anchor()
    p.child("c1").cp_plan("leap", "c1", "2024-02-29")
    p.build(as_at="2025-06-30")
    counted = [e for e in p.periods("cp_neglect_starts")
               if p.cell("cp_neglect_starts", e).numerator == 1]
    assert counted[0] == date(2024, 2, 29)
    assert counted[-1] == date(2025, 1, 31)
    assert len(counted) == 12
