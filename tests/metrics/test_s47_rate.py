"""s47_rate: section 47 enquiries with start_date in the rolling 12 months per 10,000
children aged 0-17; not computed (no rows) when s47_enquiries was not delivered."""

from datetime import date

import pytest

INDICATORS = ['s47_rate', 'cp_rate']  # the ones this module reads (conftest builds only these)

E = date(2025, 3, 31)


def _s47(p, ident, child, start, **extra):
    p.add("s47_enquiries", {"s47_id": ident, "child_id": child, "start_date": start, **extra})


def test_enquiries_started_in_the_window_per_10000(p):
    p.anchor()
    p.child("c1").child("c2", "NS2 1AA")
    _s47(p, "before", "c1", "2024-03-31")     # the day before the window
    _s47(p, "first_day", "c1", "2024-04-01")
    _s47(p, "last_day", "c1", "2025-03-31")
    _s47(p, "south", "c2", "2024-10-10", icpc_not_required=True)  # still an enquiry
    _s47(p, "after", "c2", "2025-04-01")
    p.build(as_at="2025-06-30")
    north = p.cell("s47_rate", E, "North")
    assert north.numerator == 2
    assert north.value == pytest.approx(2 / 1100 * 10000)  # 2025 population
    assert p.cell("s47_rate", E, "South").numerator == 1
    assert p.cell("s47_rate", E).numerator == 3
    assert p.cell("s47_rate", E).denominator == 4400


def test_not_computed_without_the_extract(p):
    p.anchor()
    p.child("c1").cp_plan("cp1", "c1", "2024-05-01")
    p.build(as_at="2025-06-30")
    assert p.periods("s47_rate") == []
    assert p.periods("cp_rate")  # the other indicators are computed as before
