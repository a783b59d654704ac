"""Issue 22: each quarter's own figure (``indicator_quarterly``, what a viewer's verdict is
judged on when months are hidden) is among the relations the disclosure audit checks
(metrics/disclosure_audit.py): a quarter is the sum of its three months -- a flow's own
months, a snapshot's month-end figures -- and its numerator is within its denominator.
Hand-built cases an attacker solves only with a quarter."""

from __future__ import annotations

import pandas as pd

from metrics.disclosure_audit import Published, audit, complete, write_back
from tests.metrics.test_disclosure_audit import T, database, month


def _quarters(con, rows: list[tuple]) -> None:
    """indicator_quarterly rows: (indicator, quarter end, series, n, d, suppressed)."""
    con.execute("create table indicator_quarterly (indicator_id varchar, period_end date, "
                "quarter_start date, series varchar, numerator bigint, denominator double, "
                "value double, suppressed boolean)")
    con.executemany(
        "insert into indicator_quarterly values (?, ?, ?, ?, ?, ?, null, ?)",
        [[i, p, (pd.Timestamp(p) - pd.offsets.MonthBegin(3)).date(), s, n, d, h]
         for i, p, s, n, d, h in rows])


# a quarter that ends at month(0) (June 2024): April, May and June
APR, MAY, JUN = month(-2), month(-1), month(0)


def test_a_quarter_and_two_of_its_months_pin_the_third():
    monthly = [("flow", APR, 2, None, True), ("flow", MAY, 9, None, False),
               ("flow", JUN, 8, None, False)]
    con = database([("flow", JUN, "All", "All", 40, None, False)], monthly)
    catalogue = [{"id": "flow", "unit": "count"}]
    # without the quarter the hidden April is free
    assert audit(Published(con, T, catalogue=catalogue)).exposed == 0
    _quarters(con, [("flow", JUN, "in_month", 19, None, False)])
    p = Published(con, T, catalogue=catalogue)
    result = audit(p)
    assert result.relation_kinds.get("quarters") == 1
    assert [(str(c["period"])[:10], c["truth"], c["lo"], c["hi"])
            for c in result.audiences[0].exposed] == [(str(APR), 2.0, 2.0, 2.0)]
    before = p.rows["suppressed"].to_numpy().copy()
    result, added = complete(p)
    assert result.exposed == 0 and added >= 1
    write_back(con, p, before)
    shown = con.execute("select count(*) filter (where not suppressed) from indicator_monthly"
                        ).fetchall()[0][0] + con.execute(
        "select count(*) filter (where not suppressed) from indicator_quarterly").fetchall()[0][0]
    assert shown <= 2  # one of May, June or the quarter is hidden as well


def test_a_snapshot_quarter_is_the_sum_of_its_month_end_figures():
    # a month-end count: the quarter's numerator sums its three month ends (the published
    # partnership figures); May's is hidden (4)
    values = [("open", APR, "All", "All", 12, None, False),
              ("open", MAY, "All", "All", 4, None, True),
              ("open", JUN, "All", "All", 10, None, False)]
    con = database(values)
    _quarters(con, [("open", JUN, "snapshot", 26, None, False)])
    result = audit(Published(con, T, catalogue=[{"id": "open", "unit": "count"}]))
    assert result.relation_kinds.get("quarters") == 1
    assert [(c["truth"], c["lo"], c["hi"]) for c in result.audiences[0].exposed] == [
        (4.0, 4.0, 4.0)]


def test_a_hidden_quarter_whose_months_are_shown_is_pinned_numerator_and_denominator():
    # a percentage: the quarter is hidden (3 of 3), but its months are all shown
    monthly = [("share", APR, 3, 1, False), ("share", MAY, 0, 1, False),
               ("share", JUN, 0, 1, False)]
    con = database([("share", JUN, "All", "All", 10, 20.0, False)], monthly)
    _quarters(con, [("share", JUN, "in_month", 3, 3.0, True)])
    p = Published(con, T, catalogue=[{"id": "share", "unit": "percent"}])
    result = audit(p)
    assert result.relation_kinds.get("quarters") == 2  # numerator and denominator
    assert {(c["family"], c["truth"], c["lo"], c["hi"])
            for c in result.audiences[0].exposed} == {
        ("share:n@quarter", 3.0, 3.0, 3.0), ("share:d@quarter", 3.0, 3.0, 3.0)}


def test_a_quarter_that_is_not_the_sum_of_its_months_is_left_out_and_said():
    monthly = [("flow", APR, 2, None, True), ("flow", MAY, 9, None, False),
               ("flow", JUN, 8, None, False)]
    con = database([("flow", JUN, "All", "All", 40, None, False)], monthly)
    _quarters(con, [("flow", JUN, "in_month", 25, None, False)])
    p = Published(con, T, catalogue=[{"id": "flow", "unit": "count"}])
    assert any("quarter is not the sum" in d for d in p.dropped)
    assert audit(p).exposed == 0


def test_a_flows_quarter_sums_its_own_months_never_its_rolling_totals():
    # no monthly series published: the flow's months are unknowns, not the 12-month totals
    # at the quarter's month ends (whose sum is no quarter)
    values = [("flow", m, "All", "All", v, None, False)
              for m, v in ((APR, 40), (MAY, 41), (JUN, 40))]
    con = database(values)
    _quarters(con, [("flow", JUN, "in_month", 19, None, False)])
    p = Published(con, T, catalogue=[{"id": "flow", "unit": "count"}])
    assert not p.dropped
    result = audit(p)
    assert result.relation_kinds.get("quarters") == 1 and result.exposed == 0
    assert p.cells["latent"].sum() == 3  # April, May and June's own figures
