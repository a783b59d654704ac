"""persistent_absence_eh: per term, children open to early help on any day of the term
(start <= term end and end blank or > term start) with an attendance row for it, whose
summed sessions_missed / sessions_possible >= 10% / those children.
Academic year 2024/25: AUT 2024-09-01..2024-12-31, SPR 2025-01-01..03-31, SUM ..07-31."""

from datetime import date

import pytest

AUT = date(2024, 12, 31)


def test_open_in_term_rule(p):
    p.anchor()
    cases = {
        # child: (episode start, episode end), missed of 100
        "ends_on_term_start": ("2024-01-01", "2024-09-01"),  # not open (end must be >)
        "ends_day_after": ("2024-01-01", "2024-09-02"),
        "starts_on_term_end": ("2024-12-31", None),
        "starts_after": ("2025-01-01", None),
        "open_throughout": ("2023-01-01", None),
    }
    for child, (start, end) in cases.items():
        p.child(child).early_help(f"e-{child}", child, start, end)
        p.attended(child, 100, 20)
    p.build(as_at="2025-08-31")
    cell = p.cell("persistent_absence_eh", AUT)
    assert (cell.numerator, cell.denominator) == (3, 3)


def test_ten_percent_threshold_and_summed_rows(p):
    p.anchor()
    for child in ("exactly_10", "just_under", "summed_under", "summed_over", "no_eh"):
        p.child(child)
    for child in ("exactly_10", "just_under", "summed_under", "summed_over"):
        p.early_help(f"e-{child}", child, "2024-06-01")
    p.attended("exactly_10", 150, 15)
    p.attended("just_under", 150, 14)
    p.attended("summed_under", 100, 5)  # two schools: 11 of 200 = 5.5%
    p.attended("summed_under", 100, 6)
    p.attended("summed_over", 100, 2)  # 2 + 19 of 200 = 10.5%: summed, not averaged
    p.attended("summed_over", 100, 19)
    p.attended("no_eh", 100, 50)  # not open to early help: not counted at all
    p.build(as_at="2025-08-31")
    cell = p.cell("persistent_absence_eh", AUT)
    assert (cell.numerator, cell.denominator) == (2, 4)
    assert cell.value == pytest.approx(50.0)


def test_terms_of_the_academic_year_and_unknown_locality(p):
    p.anchor()
    p.early_help("e1", "no-children-row", "2025-01-15", "2025-02-01")
    p.attended("no-children-row", 100, 30, term="SPR")
    p.attended("no-children-row", 100, 30, term="SUM")  # episode ended before SUM
    p.build(as_at="2025-08-31")
    assert p.periods("persistent_absence_eh") == [date(2025, 3, 31), date(2025, 7, 31)]
    spring = p.cell("persistent_absence_eh", date(2025, 3, 31), "Unknown")
    assert (spring.numerator, spring.denominator) == (1, 1)
    summer = p.cell("persistent_absence_eh", date(2025, 7, 31), "Unknown")
    assert (summer.numerator, summer.denominator, summer.value) == (0, 0, None)
