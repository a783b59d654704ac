"""cla_neglect_rate: children whose looked_after period open at E (start <= E, end blank
or > E) has category_of_need N1, per 10,000 children 0-17."""

from datetime import date

import pytest

INDICATORS = ['cla_neglect_rate', 'cla_rate']  # the ones this module reads (conftest builds only these)

E = date(2024, 6, 30)


def test_the_n1_period_must_be_the_one_open(p):
    p.anchor()
    p.child("was_n1")
    p.care("1", "was_n1", "2023-01-01", "2024-01-01", need="N1")
    p.care("2", "was_n1", "2024-01-01", None, need="N2")  # open now, not N1
    p.child("is_n1")
    p.care("3", "is_n1", "2024-02-01", None, need="N1")
    p.child("n1_ended_at_e")
    p.care("4", "n1_ended_at_e", "2024-02-01", "2024-06-30", need="N1")
    p.build(as_at="2024-12-31")
    cell = p.cell("cla_neglect_rate", E, "North")
    assert (cell.numerator, cell.denominator) == (1, 1000)
    assert cell.value == pytest.approx(10.0)
    assert p.cell("cla_rate", E, "North").numerator == 2
    # a month earlier the first child's N1 period had already ended too
    assert p.cell("cla_neglect_rate", date(2023, 12, 31), "North").numerator == 1
