"""da_notifications_rate: distinct children with a DOMESTIC_ABUSE notification with
incident_date in the rolling 12 months per 10,000 children aged 0-17."""

from datetime import date

import pytest

E = date(2025, 3, 31)


def _notification(p, ident, child, day, kind="DOMESTIC_ABUSE"):
    p.add("police_notifications", {"notification_id": ident, "child_id": child,
                                   "incident_date": day, "kind": kind})


def test_children_each_once_in_the_window(p):
    p.anchor()
    p.child("c1").child("c2").child("c3", "NS2 1AA").child("c4")
    _notification(p, "n1", "c1", "2024-04-01")
    _notification(p, "n2", "c1", "2024-11-01")  # the same child again: once
    _notification(p, "n3", "c2", "2025-03-31")
    _notification(p, "n4", "c3", "2024-06-01")
    _notification(p, "n5", "c4", "2024-06-01", kind="MISSING")
    _notification(p, "n6", "c4", "2024-03-31")  # before the window
    p.build(as_at="2025-06-30")
    cell = p.cell("da_notifications_rate", E)
    assert cell.numerator == 3
    assert cell.value == pytest.approx(3 / 4400 * 10000)
    assert p.cell("da_notifications_rate", E, "North").numerator == 2
    assert p.cell("da_notifications_rate", E, "South").numerator == 1
    # the month's own figure counts the children of that month
    monthly = dict(p.rows("select period_end, numerator from indicator_monthly "
                          "where indicator_id = 'da_notifications_rate'"))
    assert monthly[date(2024, 4, 30)] == 1 and monthly[date(2024, 11, 30)] == 1
    assert monthly[date(2024, 5, 31)] == 0
