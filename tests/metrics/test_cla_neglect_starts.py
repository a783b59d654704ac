"""cla_neglect_starts: looked_after periods starting in the rolling 12 months with
category N1 (a count; each period counts)."""

from datetime import date

from tests.metrics.conftest import SOUTH

INDICATORS = ['cla_neglect_starts', 'cla_rate']  # the ones this module reads (conftest builds only these)

E = date(2024, 6, 30)


def _care(p, ident, child, start, category="N1", end=None):
    p.add("looked_after", {"period_id": ident, "child_id": child, "start_date": start,
                           "end_date": end, "category_of_need": category})


def test_counts_periods_starting_for_abuse_or_neglect(p):
    p.anchor()
    p.child("c1").child("c2", SOUTH)
    _care(p, "a", "c1", "2023-07-01", end="2023-08-01")
    _care(p, "b", "c1", "2024-06-30")  # the same child again: counts again
    _care(p, "c", "c2", "2024-01-01", category="N2")
    _care(p, "d", "c2", "2023-06-30")
    _care(p, "e", "nobody", "2024-02-01")
    p.build(as_at="2024-12-31")
    north = p.cell("cla_neglect_starts", E, "North")
    assert (north.numerator, north.denominator, north.value) == (2, None, 2.0)
    assert p.cell("cla_neglect_starts", E, "South").numerator == 0
    assert p.cell("cla_neglect_starts", E, "Unknown").numerator == 1
    assert p.cell("cla_neglect_starts", E).numerator == 3


def test_a_period_already_open_when_a_one_year_return_begins_is_not_a_start(p):
    # starts_care N: the child's first episode in a one-year SSDA903 return is not S (looked
    # after, not a start of care); blank is a start (lscp's own CSV)
    p.anchor()
    p.child("c1").child("c2").child("c3", SOUTH)
    p.add("looked_after", {"period_id": "a", "child_id": "c1", "start_date": "2024-04-01",
                           "end_date": None, "category_of_need": "N1", "starts_care": "N"})
    p.add("looked_after", {"period_id": "b", "child_id": "c2", "start_date": "2024-05-01",
                           "end_date": None, "category_of_need": "N1", "starts_care": "Y"})
    p.add("looked_after", {"period_id": "c", "child_id": "c3", "start_date": "2024-05-01",
                           "end_date": None, "category_of_need": "N1", "starts_care": "N"})
    p.build(as_at="2024-12-31")
    assert p.cell("cla_neglect_starts", E, "North").numerator == 1
    assert p.cell("cla_neglect_starts", E, "South").numerator == 0
    assert p.cell("cla_neglect_starts", E).numerator == 1
    # ... and the child already looked after is looked after all the same
    assert p.cell("cla_rate", E).numerator == 3
    # the breakdowns count the same starts (the indicator's own SQL over re-keyed rows)
    by_sex = dict(p.rows(
        "select category, numerator from indicator_breakdowns where indicator_id = "
        "'cla_neglect_starts' and period_end = ? and dimension = 'sex'", [E]))
    assert by_sex["All"] == 1 and sum(n for c, n in by_sex.items() if c != "All") == 1
