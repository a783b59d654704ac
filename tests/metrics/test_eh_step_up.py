"""eh_step_up: episodes ending in the rolling 12 months with end_reason STEP_UP_CSC /
episodes ending in the rolling 12 months, by lead agency."""

from datetime import date

import pytest

E = date(2024, 6, 30)


def test_step_ups_among_all_episodes_ending(p):
    p.anchor()
    p.child("c1")
    p.early_help("e1", "c1", "2023-01-01", "2023-07-01", end_reason="STEP_UP_CSC")
    p.early_help("e2", "c1", "2023-01-01", "2024-03-01", end_reason="MOVED",
                 neglect_identified=True)
    p.early_help("e3", "c1", "2023-01-01", "2024-03-01", agency="POL",
                 end_reason="STEP_UP_CSC")
    p.early_help("e4", "c1", "2023-01-01", "2023-06-30", end_reason="STEP_UP_CSC")
    p.early_help("e5", "c1", "2023-01-01", None)
    p.build(as_at="2024-12-31")
    cell = p.cell("eh_step_up", E)
    assert (cell.numerator, cell.denominator) == (2, 3)
    assert cell.value == pytest.approx(200 / 3)
    pol = p.cell("eh_step_up", E, "North", "POL")
    assert (pol.numerator, pol.denominator, pol.value) == (1, 1, 100.0)
