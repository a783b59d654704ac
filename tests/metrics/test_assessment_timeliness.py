"""assessment_timeliness: assessments authorised in the rolling 12 months within 45
working days of their start (weekends and bank holidays excluded, start day not counted)
/ assessments authorised in the rolling 12 months."""

from datetime import date

import pytest

E = date(2025, 3, 31)


def _assessment(p, ident, start, authorised):
    p.add("assessments", {"assessment_id": ident, "referral_id": "r1", "child_id": "c1",
                          "start_date": start, "authorised_date": authorised})


def test_45_working_days_with_bank_holidays_and_the_start_day_not_counted(p):
    p.anchor()
    p.child("c1").referral("r1", "c1", "2024-11-01")
    # from Friday 2024-11-29: Christmas, Boxing Day and New Year's Day are not working
    # days, so the 45th working day is Wednesday 2025-02-05
    _assessment(p, "on_time", "2024-11-29", "2025-02-05")
    _assessment(p, "late", "2024-11-29", "2025-02-06")
    # no bank holiday in these seeds between: the 45th working day is 2024-09-11
    _assessment(p, "summer", "2024-07-10", "2024-09-11")
    _assessment(p, "summer_late", "2024-07-10", "2024-09-12")
    _assessment(p, "same_day", "2024-10-01", "2024-10-01")
    _assessment(p, "not_authorised", "2024-10-01", None)
    _assessment(p, "before_window", "2024-01-02", "2024-03-31")
    p.build(as_at="2025-06-30")
    cell = p.cell("assessment_timeliness", E)
    assert (cell.numerator, cell.denominator) == (3, 5)
    assert cell.value == pytest.approx(60.0)


def test_working_day_calendar(p):
    p.anchor()
    _assessment(p, "a", "2024-12-20", "2025-01-03")
    p.build(as_at="2025-06-30")
    rows = p.rows("select d2.working_days_to_date - d1.working_days_to_date "
                  "from int_working_days d1, int_working_days d2 "
                  "where d1.date = date '2024-12-20' and d2.date = date '2025-01-03'")
    # 23, 24, 27, 30, 31 December, 2 and 3 January
    assert rows == [(7,)]


def test_weekend_start_and_end(p):
    p.anchor()
    # Saturday start: Monday is the first working day; the 45th is Friday 2024-06-28
    _assessment(p, "sat", "2024-04-27", "2024-06-28")
    _assessment(p, "sun_end", "2024-04-27", "2024-06-30")  # the Sunday after: still 45
    _assessment(p, "mon_end", "2024-04-27", "2024-07-01")  # 46th
    p.build(as_at="2024-12-31")
    cell = p.cell("assessment_timeliness", date(2024, 7, 31))
    assert (cell.numerator, cell.denominator) == (2, 3)
