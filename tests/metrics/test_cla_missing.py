"""cla_missing: children looked after on some day of the rolling 12 months with a
missing_episodes row of kind M starting in the window on a day a period of theirs was open
(the end day counts) / children looked after on some day of the rolling 12 months."""

from datetime import date

import pytest

INDICATORS = ['cla_missing', 'cla_rate']  # the ones this module reads (conftest builds only these)

E = date(2025, 3, 31)  # window 2024-04-01 .. 2025-03-31


def _missing(p, child, start, kind="M", end=None):
    p.add("missing_episodes", {"child_id": child, "kind": kind, "start_date": start,
                               "end_date": end})


def test_children_who_went_missing_while_looked_after(p):
    p.anchor()
    for child in "abcdefgh":
        p.child(child)
    p.care("pa", "a", "2024-01-01")
    _missing(p, "a", "2024-06-01", end="2024-06-02")
    # b: the period ends on the window's first day, the episode starts that day: counted
    p.care("pb", "b", "2023-01-01", "2024-04-01")
    _missing(p, "b", "2024-04-01")
    # c: the period ended the day before the window: in neither part
    p.care("pc", "c", "2023-01-01", "2024-03-31")
    _missing(p, "c", "2024-05-01")
    # d: away without authorisation only
    p.care("pd", "d", "2024-01-01")
    _missing(p, "d", "2024-06-01", kind="A")
    # e: missing the day after the period ended
    p.care("pe", "e", "2024-05-01", "2024-06-01")
    _missing(p, "e", "2024-06-02")
    # f: missing the day before the period started
    p.care("pf", "f", "2024-06-01")
    _missing(p, "f", "2024-05-31")
    # g: looked after only from after E
    p.care("pg", "g", "2025-04-01")
    _missing(p, "g", "2025-04-02")
    # h: two periods and two episodes: once in each part
    p.care("ph1", "h", "2024-01-01", "2024-05-01")
    p.care("ph2", "h", "2024-09-01")
    _missing(p, "h", "2024-04-10")
    _missing(p, "h", "2024-10-10")
    p.build(as_at="2025-06-30")
    cell = p.cell("cla_missing", E)
    assert (cell.numerator, cell.denominator) == (3, 6)
    assert cell.value == pytest.approx(50.0)


def test_a_missing_episode_on_the_period_end_day(p):
    p.anchor()
    p.child("c1")
    p.care("p1", "c1", "2024-05-01", "2024-08-31")
    _missing(p, "c1", "2024-08-31")
    p.build(as_at="2025-06-30")
    assert p.cell("cla_missing", E).numerator == 1
    monthly = dict(p.rows("select period_end, numerator from indicator_monthly "
                          "where indicator_id = 'cla_missing'"))
    assert monthly[date(2024, 8, 31)] == 1 and monthly[date(2024, 9, 30)] == 0


def test_not_computed_without_missing_episodes(p):
    p.anchor()
    p.child("c1").care("p1", "c1", "2024-05-01")
    p.build(as_at="2025-06-30")
    assert p.periods("cla_missing") == []
    assert p.cell("cla_rate", E).numerator == 1
