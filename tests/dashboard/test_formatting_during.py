"""A period's words inside a sentence (fmt.during): never "in end of November"."""

import pytest

from dashboard import formatting as fmt


@pytest.mark.parametrize("kind, expected", [
    ("month_end", "at the end of November 2026"),
    ("rolling_12_months", "in the 12 months to November 2026"),
    ("term", "in autumn term 2026"),
    ("monthly", "in November 2026"),
])
def test_a_period_reads_in_a_sentence(kind, expected):
    period_end = "2026-12-31" if kind == "term" else "2026-11-30"
    assert fmt.during(fmt.period(period_end, kind)) == expected
