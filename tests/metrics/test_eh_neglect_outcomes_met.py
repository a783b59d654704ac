"""eh_neglect_outcomes_met: neglect-identified episodes ending in the rolling 12 months
with end_reason OUTCOMES_MET / neglect-identified episodes ending in the rolling 12
months, by lead agency."""

from datetime import date

import pytest

E = date(2024, 6, 30)


def test_outcomes_met_among_neglect_episodes_ending(p):
    p.anchor()
    p.child("c1")
    p.early_help("e1", "c1", "2023-01-01", "2023-07-01", neglect_identified=True,
                 end_reason="OUTCOMES_MET")
    p.early_help("e2", "c1", "2023-01-01", "2024-06-30", neglect_identified=True,
                 end_reason="DISENGAGED")
    p.early_help("e3", "c1", "2023-01-01", "2024-01-01", neglect_identified=True)  # no reason
    p.early_help("e4", "c1", "2023-01-01", "2024-01-01", neglect_identified=False,
                 end_reason="OUTCOMES_MET")
    p.early_help("e5", "c1", "2023-01-01", None, neglect_identified=True)  # open
    p.early_help("e6", "c1", "2023-01-01", "2024-07-01", neglect_identified=True,
                 end_reason="OUTCOMES_MET")
    p.early_help("e7", "c1", "2023-01-01", "2024-02-01", agency="POL",
                 neglect_identified=True, end_reason="OUTCOMES_MET")
    p.build(as_at="2024-12-31")
    hea = p.cell("eh_neglect_outcomes_met", E, "North", "HEA")
    assert (hea.numerator, hea.denominator) == (1, 3)
    cell = p.cell("eh_neglect_outcomes_met", E)
    assert (cell.numerator, cell.denominator) == (2, 4)
    assert cell.value == pytest.approx(50.0)
