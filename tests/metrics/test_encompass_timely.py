"""encompass_timely: DOMESTIC_ABUSE notifications in the rolling 12 months with
school_notified_date <= incident_date + 1 day / DOMESTIC_ABUSE notifications in the rolling
12 months (a blank school_notified_date = not shared)."""

from datetime import date

import pytest

E = date(2025, 3, 31)


def _notification(p, ident, day, told=None, kind="DOMESTIC_ABUSE"):
    p.add("police_notifications", {"notification_id": ident, "child_id": "c1",
                                   "incident_date": day, "kind": kind,
                                   "school_notified_date": told})


def test_shared_by_the_next_day(p):
    p.anchor()
    p.child("c1")
    _notification(p, "same_day", "2024-06-01", "2024-06-01")
    _notification(p, "day_after", "2024-06-28", "2024-06-29")
    _notification(p, "month_end", "2024-06-30", "2024-07-01")  # next day in the next month
    _notification(p, "two_days", "2024-06-01", "2024-06-03")
    _notification(p, "never", "2024-06-01")
    _notification(p, "missing", "2024-06-01", "2024-06-01", kind="MISSING")
    _notification(p, "other", "2024-06-01", kind="OTHER")
    p.build(as_at="2025-06-30")
    cell = p.cell("encompass_timely", E)
    assert (cell.numerator, cell.denominator) == (3, 5)
    assert cell.value == pytest.approx(60.0)
