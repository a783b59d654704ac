"""rereferral: referrals in the rolling 12 months whose child had another referral within
the 12 months before (d - 12 months <= p < d) / referrals in the rolling 12 months."""

from datetime import date

from tests.metrics.conftest import SOUTH

E = date(2025, 3, 31)  # window 2024-04-01 .. 2025-03-31


def _start(p):
    # an early referral: the first period is 2022-12-31, long before these windows
    p.child("old").referral("r-old", "old", "2022-01-01")


def test_referral_within_12_months_is_a_rereferral(p):
    _start(p)
    p.child("c1").referral("r1", "c1", "2024-02-10").referral("r2", "c1", "2024-06-01")
    p.build(as_at="2025-04-30")
    cell = p.cell("rereferral", E)
    # r2 is in the window and re-referred; r1 is outside the window
    assert (cell.numerator, cell.denominator) == (1, 1)
    assert cell.value == 100.0


def test_same_day_referrals_are_not_rereferrals(p):
    _start(p)
    p.child("c1").referral("r1", "c1", "2024-06-01").referral("r2", "c1", "2024-06-01")
    p.build(as_at="2025-04-30")
    cell = p.cell("rereferral", E)
    assert (cell.numerator, cell.denominator) == (0, 2)
    assert cell.value == 0.0


def test_twelve_months_before_a_leap_day_is_28_february(p):
    _start(p)
    p.child("on").referral("a1", "on", "2023-02-28").referral("a2", "on", "2024-02-29")
    p.child("off").referral("b1", "off", "2023-02-27").referral("b2", "off", "2024-02-29")
    p.build(as_at="2025-01-31")
    cell = p.cell("rereferral", date(2024, 2, 29))  # window 2023-03-01 .. 2024-02-29
    assert (cell.numerator, cell.denominator) == (1, 2)


def test_exactly_twelve_months_counts_and_one_day_more_does_not(p):
    _start(p)
    p.child("in").referral("i1", "in", "2024-05-15").referral("i2", "in", "2025-05-15")
    p.child("out").referral("o1", "out", "2024-05-14").referral("o2", "out", "2025-05-15")
    p.build(as_at="2025-05-31")
    cell = p.cell("rereferral", date(2025, 5, 31))
    assert (cell.numerator, cell.denominator) == (1, 2)  # i1, o1 are before the window


def test_leap_day_referral_is_in_exactly_one_window(p):
    _start(p)
    p.child("c1").referral("r1", "c1", "2024-02-29")
    p.build(as_at="2025-03-31")
    in_window = {e: p.cell("rereferral", e).denominator for e in p.periods("rereferral")}
    # 2024-02-29 is in the windows ending 2024-02-29 .. 2025-01-31, not 2025-02-28
    assert in_window[date(2025, 1, 31)] == 1
    assert in_window[date(2025, 2, 28)] == 0
    assert in_window[date(2024, 2, 29)] == 1
    assert in_window[date(2024, 1, 31)] == 0


def test_nfa_referrals_count_and_the_earlier_one_may_be_outside_the_window(p):
    _start(p)
    p.child("c1")
    p.referral("r1", "c1", "2024-03-20", referral_nfa=True)
    p.referral("r2", "c1", "2024-04-02", referral_nfa=True)
    p.build(as_at="2025-03-31")
    cell = p.cell("rereferral", E)
    assert (cell.numerator, cell.denominator) == (1, 1)


def test_locality_and_agency_breakdown(p):
    _start(p)
    p.child("n1").child("s1", SOUTH).child("ghost-postcode", "ZZ9 9ZZ")
    p.referral("n1a", "n1", "2024-05-01", referral_source="5A")  # POL (listed before EDU)
    p.referral("n1b", "n1", "2024-06-01", referral_source="5A")
    p.referral("s1a", "s1", "2024-07-01", referral_source="3B")  # HEA
    p.referral("s1b", "s1", "2024-08-01", referral_source="9")  # no agency: only in All
    p.referral("u1", "ghost-postcode", "2024-09-01", referral_source="2A")  # EDU, Unknown
    p.referral("x1", "no-children-row", "2024-09-01", referral_source="2A")  # Unknown
    p.build(as_at="2025-03-31")

    def pair(locality, agency):
        cell = p.cell("rereferral", E, locality, agency)
        return cell.numerator, cell.denominator

    assert pair("North", "POL") == (1, 2)
    assert pair("North", "EDU") == (0, 0)
    assert pair("South", "HEA") == (0, 1)
    assert pair("South", "All") == (1, 2)  # the unmapped referral is a re-referral
    assert pair("Unknown", "EDU") == (0, 2)
    assert pair("All", "POL") == (1, 2)
    assert pair("All", "VOL") == (0, 0)
    assert pair("All", "All") == (2, 6)
    assert p.cell("rereferral", E, "All", "VOL").value is None
