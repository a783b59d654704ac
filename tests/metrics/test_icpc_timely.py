"""icpc_timely: enquiries with icpc_date in the rolling 12 months (icpc_not_required not Y)
held on or before their target / those enquiries. Target: icpc_target_date, else
start_date + 15 working days (weekends and bank holidays excluded, the start day not
counted)."""

from datetime import date

import pytest

E = date(2025, 3, 31)


def _s47(p, ident, start, icpc=None, target=None, not_required=None, child="c1"):
    p.add("s47_enquiries", {"s47_id": ident, "child_id": child, "start_date": start,
                            "icpc_date": icpc, "icpc_target_date": target,
                            "icpc_not_required": not_required})


def test_recorded_target_day_is_on_time(p):
    p.anchor()
    p.child("c1")
    _s47(p, "on_target_day", "2024-05-20", icpc="2024-06-10", target="2024-06-10")
    _s47(p, "day_after_target", "2024-05-20", icpc="2024-06-11", target="2024-06-10")
    # the recorded target wins over the 15 working days (here later than them)
    _s47(p, "late_target", "2024-05-01", icpc="2024-06-20", target="2024-06-25")
    p.build(as_at="2025-06-30")
    cell = p.cell("icpc_timely", E)
    assert (cell.numerator, cell.denominator) == (2, 3)


def test_bank_holidays_in_the_15_working_days(p):
    p.anchor()
    p.child("c1")
    # from Friday 2024-12-13: 25 and 26 December and 1 January are bank holidays, so the
    # 15th working day is Wednesday 2025-01-08 (not Friday 2025-01-03)
    _s47(p, "on_day_15", "2024-12-13", icpc="2025-01-08")
    _s47(p, "day_16", "2024-12-13", icpc="2025-01-09")
    # no bank holiday: from Monday 2024-06-03 the 15th working day is Monday 2024-06-24
    _s47(p, "june_on_time", "2024-06-03", icpc="2024-06-24")
    _s47(p, "june_late", "2024-06-03", icpc="2024-06-25")
    # a Saturday start: Monday is the first working day, the 15th is Friday 2024-07-26
    _s47(p, "saturday", "2024-07-06", icpc="2024-07-26")
    # a conference on the weekend after the 15th working day is after the target
    _s47(p, "weekend_after", "2024-07-06", icpc="2024-07-27")
    p.build(as_at="2025-06-30")
    cell = p.cell("icpc_timely", E)
    assert (cell.numerator, cell.denominator) == (3, 6)
    assert cell.value == pytest.approx(50.0)


def test_not_required_and_not_held_are_in_neither_part(p):
    p.anchor()
    p.child("c1")
    _s47(p, "held", "2024-06-03", icpc="2024-06-10")
    _s47(p, "not_required", "2024-06-03", icpc="2024-06-10", not_required=True)
    _s47(p, "not_required_n", "2024-06-03", icpc="2024-06-12", not_required=False)
    _s47(p, "not_held", "2024-06-03")
    _s47(p, "held_before_window", "2024-03-01", icpc="2024-03-31")
    _s47(p, "held_first_day", "2024-03-20", icpc="2024-04-01")  # started before, held in
    p.build(as_at="2025-06-30")
    cell = p.cell("icpc_timely", E)
    assert (cell.numerator, cell.denominator) == (3, 3)
    assert p.cell("icpc_timely", E, "North").denominator == 3
