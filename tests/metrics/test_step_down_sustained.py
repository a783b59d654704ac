"""step_down_sustained: step-downs closed in the rolling 12 months ending at the month
end six months before E, with no referral of the child with closure_date <
referral_date <= closure_date + 6 months / those step-downs."""

from datetime import date

import pytest

INDICATORS = ['step_down_sustained', 'step_downs']  # the ones this module reads (conftest builds only these)

E = date(2025, 9, 30)  # window 2024-04-01 .. 2025-03-31


def _step_down(p, child, closure):
    p.child(child).referral(f"{child}-r", child, "2024-01-01", closure_date=closure,
                            closure_reason="RC9")


def test_window_is_shifted_six_months(p):
    p.anchor()
    _step_down(p, "first_day", "2024-04-01")
    _step_down(p, "last_day", "2025-03-31")
    _step_down(p, "too_early", "2024-03-31")
    _step_down(p, "too_late", "2025-04-01")
    p.build(as_at="2025-12-31")
    cell = p.cell("step_down_sustained", E)
    assert (cell.numerator, cell.denominator) == (2, 2)
    assert cell.value == pytest.approx(100.0)
    # step_downs for the same E uses the unshifted window
    assert p.cell("step_downs", E).numerator == 2  # last_day, too_late


def test_new_referral_within_six_months_breaks_it(p):
    p.anchor()
    _step_down(p, "edge", "2024-08-31")
    p.referral("edge-again", "edge", "2025-02-28")  # 2024-08-31 + 6 months
    _step_down(p, "after", "2024-08-31")
    p.referral("after-again", "after", "2025-03-01")  # one day too late to break it
    _step_down(p, "same_day", "2024-09-10")
    p.referral("same-day-again", "same_day", "2024-09-10")  # not after the closure
    _step_down(p, "other", "2024-09-10")
    p.referral("other-child", "someone-else", "2024-10-01")
    p.build(as_at="2025-12-31")
    cell = p.cell("step_down_sustained", E)
    assert (cell.numerator, cell.denominator) == (3, 4)
    assert cell.value == pytest.approx(75.0)
