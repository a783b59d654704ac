"""cp_reviews_timely: children with a CP plan open at E that started on or before E - 3
months whose plan's reviews were all on time up to E / those children. On time: the first
review on or before start + 3 months, each later one on or before the previous + 6 months
(calendar months), and none overdue at E."""

from datetime import date

import pytest

INDICATORS = ['cp_reviews_timely', 'cp_rate']  # the ones this module reads (conftest builds only these)

E = date(2025, 3, 31)  # E - 3 months = 2024-12-31


def _reviews(p, plan, *days):
    for day in days:
        p.add("cp_reviews", {"cp_plan_id": plan, "review_date": day})


def test_reviews_on_time_late_and_overdue(p):
    p.anchor()
    for child in "abcdefghij":
        p.child(child)
    # a: started exactly 3 months before E, no review yet: due on E, not overdue
    p.cp_plan("A", "a", "2024-12-31")
    # b: started 2025-01-01, under 3 months: not in the denominator
    p.cp_plan("B", "b", "2025-01-01")
    # c: first review exactly 3 months after the start, the next exactly 6 months later
    p.cp_plan("C", "c", "2024-06-15")
    _reviews(p, "C", "2024-09-15", "2025-03-15")
    # d: first review a day late, then reviewed often: late ever after
    p.cp_plan("D", "d", "2024-06-15")
    _reviews(p, "D", "2024-09-16", "2024-10-01", "2025-03-01")
    # e: next review due 2025-04-10, after E: on time
    p.cp_plan("E", "e", "2024-01-10")
    _reviews(p, "E", "2024-04-10", "2024-10-10")
    # f: reviewed once on time, then nothing: overdue since 2024-10-10
    p.cp_plan("F", "f", "2024-01-10")
    _reviews(p, "F", "2024-04-10")
    # g: a review after E does not count at E: overdue since 2025-03-15
    p.cp_plan("G", "g", "2024-06-15")
    _reviews(p, "G", "2024-09-15", "2025-04-01")
    # h: month ends: 2024-11-30 + 3 months = 2025-02-28, so that review is on time
    p.cp_plan("H", "h", "2024-11-30")
    _reviews(p, "H", "2025-02-28")
    # i: the plan ended on E: not open at E
    p.cp_plan("I", "i", "2024-01-10", "2025-03-31")
    # j: no review, started 2024-06-15: overdue since 2024-09-15
    p.cp_plan("J", "j", "2024-06-15")
    p.build(as_at="2025-06-30")
    cell = p.cell("cp_reviews_timely", E)
    # denominator a c d e f g h j; on time a c e h
    assert (cell.numerator, cell.denominator) == (4, 8)
    assert cell.value == pytest.approx(50.0)


def test_a_child_with_a_second_plan_open_counts_once_on_time_only_if_both_are(p):
    p.anchor()
    p.child("two_late").child("two_fine")
    p.cp_plan("L1", "two_late", "2024-06-15")
    _reviews(p, "L1", "2024-09-15", "2025-03-15")
    p.cp_plan("L2", "two_late", "2024-07-01")  # a second plan open (rule 8940 warning)
    _reviews(p, "L2", "2024-10-02")            # a day late
    p.cp_plan("F1", "two_fine", "2024-06-15")
    _reviews(p, "F1", "2024-09-15", "2025-03-15")
    p.cp_plan("F2", "two_fine", "2025-02-01")  # young: due 2025-05-01
    p.build(as_at="2025-06-30")
    cell = p.cell("cp_reviews_timely", E)
    assert (cell.numerator, cell.denominator) == (1, 2)


def test_a_plans_reviews_are_its_own(p):
    p.anchor()
    p.child("c1")
    p.cp_plan("old", "c1", "2023-01-01", "2024-05-01")
    _reviews(p, "old", "2023-04-01", "2023-10-01", "2024-04-01")
    p.cp_plan("new", "c1", "2024-06-01")  # never reviewed: the old plan's do not count
    p.build(as_at="2025-06-30")
    cell = p.cell("cp_reviews_timely", E)
    assert (cell.numerator, cell.denominator) == (0, 1)


def test_the_last_review_exactly_six_months_before_the_month_end(p):
    p.anchor()
    p.child("c1")
    p.cp_plan("P", "c1", "2024-05-31")
    _reviews(p, "P", "2024-08-31")  # exactly 3 months on; the next due 2025-02-28
    p.build(as_at="2025-06-30")
    february = p.cell("cp_reviews_timely", date(2025, 2, 28))
    assert (february.numerator, february.denominator) == (1, 1)  # due on E: not overdue
    march = p.cell("cp_reviews_timely", date(2025, 3, 31))
    assert (march.numerator, march.denominator) == (0, 1)


def test_not_computed_without_reviews(p):
    p.anchor()
    p.child("c1").cp_plan("cp1", "c1", "2024-01-01")
    p.build(as_at="2025-06-30")
    assert p.periods("cp_reviews_timely") == []
    assert p.cell("cp_rate", E).numerator == 1
