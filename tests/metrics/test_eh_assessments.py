"""eh_assessments: early help episodes with assessment_date in the rolling 12 months (a
count), by lead agency."""

from datetime import date

E = date(2024, 6, 30)


def test_counts_assessment_dates_in_the_window(p):
    p.anchor()
    p.child("c1")
    p.early_help("e1", "c1", "2023-01-01", agency="EDU", assessment_date="2023-07-01")
    p.early_help("e2", "c1", "2024-06-01", agency="EDU", assessment_date="2024-06-30")
    p.early_help("e3", "c1", "2024-06-01", agency="EDU", assessment_date="2024-07-01")
    p.early_help("e4", "c1", "2024-06-01", agency="POL")  # no assessment
    p.build(as_at="2024-12-31")
    cell = p.cell("eh_assessments", E, "North", "EDU")
    assert (cell.numerator, cell.denominator, cell.value) == (2, None, 2.0)
    assert p.cell("eh_assessments", E, "All", "POL").numerator == 0
    assert p.cell("eh_assessments", E).numerator == 2
