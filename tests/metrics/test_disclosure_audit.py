"""The disclosure audit (metrics/disclosure_audit.py): the interval problem over everything
an audience sees, then complements until no hidden cell is pinned or bounded within 1..T.

Small hand-built publications: each case is one an attacker solves by a relation the
table-by-table protection does not know (a numerator within its denominator, a rolling
total against its months, a count equal to another six months earlier, a champion's own
column). The audit must find the cell, give its interval, and ``complete`` must close it."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.disclosure_audit import Published, audit, complete, write_back

T = 5
E = dt.date(2024, 6, 30)


def month(k: int) -> dt.date:
    return (pd.Timestamp(E) + pd.offsets.MonthEnd(k)).date()


def database(values: list[tuple], monthly: list[tuple] = ()) -> duckdb.DuckDBPyConnection:
    """indicator_values rows: (indicator, period, locality, agency, n, d, suppressed)."""
    con = duckdb.connect()
    con.execute("create table indicator_values (indicator_id varchar, period_end date, "
                "council varchar, locality varchar, agency varchar, numerator bigint, "
                "denominator double, value double, suppressed boolean)")
    con.executemany("insert into indicator_values values (?, ?, 'All', ?, ?, ?, ?, null, ?)",
                    [list(v) for v in values])
    if monthly:
        con.execute("create table indicator_monthly (indicator_id varchar, period_end date, "
                    "council varchar, series varchar, numerator bigint, denominator double, "
                    "value double, suppressed boolean)")
        con.executemany("insert into indicator_monthly values (?, ?, 'All', 'in_month', ?, ?, "
                        "null, ?)", [list(m) for m in monthly])
    return con


def line(ident, period, parts: dict, hidden: set, agency="All", d: dict | None = None):
    """One indicator's locality line (and its All) at one period."""
    rows = []
    total_d = sum(d.values()) if d else None
    for loc, v in [*parts.items(), ("All", sum(parts.values()))]:
        rows.append((ident, period, loc, agency, v, (d[loc] if loc != "All" else total_d)
                     if d else None, loc in hidden))
    return rows


PERCENT = [{"id": "share", "unit": "percent"}, {"id": "count", "unit": "count"},
           {"id": "base", "unit": "count"}]


def test_a_numerator_within_its_denominator_pins_a_hidden_cell():
    # base (a count) publishes the denominator; share's numerator is count's. In A the
    # denominator is hidden (3) but the numerator 3 is shown by `count`; B's denominator
    # is hidden too, but its numerator 8 shows: so 3 <= A <= 11 - 8 = 3.
    con = database(
        line("base", E, {"A": 3, "B": 8}, {"A", "B"})
        + line("count", E, {"A": 3, "B": 7}, set())
        + line("share", E, {"A": 3, "B": 7}, {"A", "B"}, d={"A": 3, "B": 8}))
    p = Published(con, T, catalogue=PERCENT)
    result = audit(p)
    viewer = result.audiences[0]
    assert viewer.audience == "viewer"
    exposed = {(c["locality"], c["truth"], c["lo"], c["hi"]) for c in viewer.exposed}
    assert ("A", 3.0, 3.0, 4.0) in exposed
    assert result.relations > 0 and "within" in result.relation_kinds


def test_without_the_relation_nothing_is_exposed():
    # the same figures with no percentage tying the two counts: the hidden line is free
    con = database(line("base", E, {"A": 3, "B": 7}, {"A", "B"})
                   + line("count", E, {"A": 3, "B": 7}, set()))
    p = Published(con, T, catalogue=[{"id": "count", "unit": "count"},
                                     {"id": "base", "unit": "count"}])
    assert audit(p).exposed == 0


def test_complements_close_every_exposure_and_reach_the_tables():
    con = database(
        line("base", E, {"A": 3, "B": 7, "C": 9}, {"A", "B"})
        + line("count", E, {"A": 3, "B": 7, "C": 2}, set())
        + line("share", E, {"A": 3, "B": 7, "C": 2}, {"A", "B"}, d={"A": 3, "B": 7, "C": 9}))
    p = Published(con, T, catalogue=PERCENT)
    assert audit(p).exposed > 0
    before = p.rows["suppressed"].to_numpy().copy()
    result, added = complete(p)
    assert result.exposed == 0 and added > 0
    assert write_back(con, p, before) == added
    # a fresh read of the tables gives the same verdict: nothing exposed
    assert audit(Published(con, T, catalogue=PERCENT)).exposed == 0
    # the partnership's own figure is kept visible (a cheaper complement exists)
    shown = con.execute("select count(*) from indicator_values where locality = 'All' "
                        "and suppressed").fetchall()[0][0]
    assert shown == 0


def test_a_champion_pins_another_agency_cell_from_their_own():
    # a 2 x 2 table of hidden cells, margins shown: the viewer cannot split it (one free
    # dimension), X's champion sees their own column and so reads Y's off the margins.
    rows = []
    for agency, parts in (("X", {"A": 2, "B": 6}), ("Y", {"A": 2, "B": 7})):
        rows += line("count", E, parts, {"A", "B"}, agency=agency)
    rows += line("count", E, {"A": 4, "B": 13}, set(), agency="All")
    con = database(rows)
    p = Published(con, T, catalogue=[{"id": "count", "unit": "count"}])
    result = audit(p)
    by = {a.audience: a for a in result.audiences}
    assert by["viewer"].exposed == []
    assert {(c["locality"], c["agency"]) for c in by["champion:X"].exposed} == {
        ("A", "Y"), ("B", "Y")}
    result, _ = complete(p)
    assert result.exposed == 0


def test_a_rolling_total_gives_a_hidden_month_away_and_a_complement_closes_it():
    months = [3, 9, 8, 7, 2, 6, 10, 11, 12, 6, 7, 8, 9]  # month 0 .. 12
    periods = [month(k - 12) for k in range(13)]
    values = [("count", periods[12], "All", "All", sum(months[1:]), None, False),
              ("count", periods[11], "All", "All", sum(months[:12]), None, False)]
    monthly = [("count", p, v, None, v == 2) for p, v in zip(periods, months, strict=True)]
    con = database(values, monthly)
    p = Published(con, T, catalogue=[{"id": "count", "unit": "count"}])
    result = audit(p)
    assert [(c["truth"], c["lo"], c["hi"]) for c in result.audiences[0].exposed] == [
        (2.0, 2.0, 2.0)]
    assert result.relation_kinds.get("rolling windows") == 2
    result, added = complete(p)
    assert result.exposed == 0 and added == 1


def test_a_count_equal_to_another_six_months_earlier():
    later = month(6)
    catalogue = [{"id": "downs", "unit": "count"},
                 {"id": "kept", "unit": "percent", "relations": [
                     {"count": "denominator", "equals": "downs.numerator",
                      "months_earlier": 6}]}]
    rows = (line("downs", E, {"A": 4, "B": 9}, set())
            + line("kept", later, {"A": 3, "B": 8}, {"A", "B"}, d={"A": 4, "B": 9}))
    p = Published(database(rows), T, catalogue=catalogue)
    result = audit(p)
    assert result.relation_kinds.get("equal counts") == 3
    assert {c["locality"] for c in result.audiences[0].exposed} >= {"A"}
    # a declaration the figures contradict is left out, and said so
    wrong = [{"id": "downs", "unit": "count"},
             {"id": "kept", "unit": "percent", "relations": [
                 {"count": "numerator", "equals": "downs.numerator", "months_earlier": 6}]}]
    p = Published(database(rows), T, catalogue=wrong)
    assert any("equals" in d for d in p.dropped)


@st.composite
def publications(draw):
    """A random percentage over localities x agencies, numerator within denominator, with its
    count published on its own too; small cells hidden (primary) plus random others."""
    localities = ["A", "B", "C"][: draw(st.integers(2, 3))]
    agencies = ["X", "Y"]  # (one agency: its champion sees every cell, nothing to protect)
    d = {(loc, ag): draw(st.integers(0, 12)) for loc in localities for ag in agencies}
    n = {k: draw(st.integers(0, v)) for k, v in d.items()}
    extra = draw(st.sets(st.sampled_from(sorted(d)), max_size=2))
    return localities, agencies, n, d, extra


def _rows(ident, table, localities, agencies, hidden_of, d=None):
    rows = []
    for loc in [*localities, "All"]:
        for ag in [*agencies, "All"]:
            def total(t, loc=loc, ag=ag):
                return sum(v for (lo, a), v in t.items() if loc in (lo, "All") and
                           ag in (a, "All"))
            nv = total(table)
            dv = total(d) if d is not None else None
            rows.append((ident, E, loc, ag, nv, dv, hidden_of(nv, dv)))
    return rows


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(publications())
def test_after_complements_no_random_publication_has_an_exposed_cell(case):
    localities, agencies, n, d, _extra = case

    def small(*values):
        return any(v is not None and 1 <= v <= T for v in values)

    rows = (_rows("count", n, localities, agencies, lambda nv, dv: small(nv))
            + _rows("share", n, localities, agencies, lambda nv, dv: small(nv, dv), d))
    con = database(rows)
    p = Published(con, T, catalogue=[{"id": "count", "unit": "count"},
                                     {"id": "share", "unit": "percent"}])
    before = p.rows["suppressed"].to_numpy().copy()
    result, _ = complete(p)
    assert result.exposed == 0
    write_back(con, p, before)
    # an independent check: the LP over the tables as written, every hidden small cell
    # can be 0 or above T, every hidden cell can take two values
    assert _independent_exposed(con) == 0


def _independent_exposed(con) -> int:
    """scipy.optimize.linprog over the locality x agency tables of both counts, with
    numerator <= denominator: hidden cells bounded (min and max) one LP each."""
    from scipy.optimize import linprog
    v = con.execute("select indicator_id, locality, agency, numerator, denominator, suppressed "
                    "from indicator_values").df()
    cells = []  # (count, locality, agency, truth, hidden)
    for r in v.itertuples():
        cells.append(("n", r.locality, r.agency, float(r.numerator), r.suppressed))
        if r.indicator_id == "share":
            cells.append(("d", r.locality, r.agency, float(r.denominator), r.suppressed))
    frame = pd.DataFrame(cells, columns=["count", "loc", "ag", "truth", "hidden"])
    # a cell is seen if any row shows it
    frame = frame.groupby(["count", "loc", "ag"]).agg(truth=("truth", "first"),
                                                      hidden=("hidden", "all")).reset_index()
    index = {k: i for i, k in enumerate(zip(frame["count"], frame["loc"], frame["ag"],
                                            strict=True))}
    truth, hidden = frame["truth"].to_numpy(), frame["hidden"].to_numpy()
    A_eq, A_ub = [], []
    for count in ("n", "d"):
        locs = sorted({k[1] for k in index if k[0] == count} - {"All"})
        ags = sorted({k[2] for k in index if k[0] == count} - {"All"})
        for ag in [*ags, "All"]:
            row = np.zeros(len(frame))
            for loc in locs:
                row[index[count, loc, ag]] += 1
            row[index[count, "All", ag]] -= 1
            A_eq.append(row)
        if ags:
            for loc in [*locs, "All"]:
                row = np.zeros(len(frame))
                for ag in ags:
                    row[index[count, loc, ag]] += 1
                row[index[count, loc, "All"]] -= 1
                A_eq.append(row)
    for key, i in index.items():
        if key[0] == "n" and ("d", key[1], key[2]) in index:
            row = np.zeros(len(frame))
            row[i], row[index["d", key[1], key[2]]] = 1, -1
            A_ub.append(row)
    A_eq, A_ub = np.array(A_eq), np.array(A_ub)
    bounds = [(t, t) if not h else (0, None) for t, h in zip(truth, hidden, strict=True)]
    exposed = 0
    for i in np.flatnonzero(hidden):
        c = np.zeros(len(frame))
        c[i] = 1
        lo = linprog(c, A_ub=A_ub, b_ub=np.zeros(len(A_ub)), A_eq=A_eq,
                     b_eq=np.zeros(len(A_eq)), bounds=bounds, method="highs").fun
        hi = linprog(-c, A_ub=A_ub, b_ub=np.zeros(len(A_ub)), A_eq=A_eq,
                     b_eq=np.zeros(len(A_eq)), bounds=bounds, method="highs")
        hi = np.inf if hi.status == 3 else -hi.fun
        lo, hi = np.ceil(lo - 1e-6), np.floor(hi + 1e-6)
        if lo == hi or (lo >= 1 and hi <= T):
            exposed += 1
    return exposed


@pytest.mark.parametrize("bad", [
    {"count": "numerator"},
    {"count": "total", "within": "x.numerator"},
    {"count": "numerator", "within": "nowhere.numerator"},
    {"count": "numerator", "within": "x.numerator", "equals": "x.denominator"},
])
def test_a_badly_declared_relation_is_refused(tmp_path, bad):
    import yaml

    from metrics.runner import load_catalogue
    entry = {"id": "x", "title": "t", "unit": "count", "polarity": "lower",
             "breakdown": "locality", "frequency": "monthly", "definition": "d",
             "numerator": "n", "relations": [bad]}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump([entry]), encoding="utf-8")
    with pytest.raises(ValueError, match="relations"):
        load_catalogue(path)


def _small_partnership(p):
    p.anchor()
    for i in range(8):
        p.child(f"c{i}").referral(f"r{i}", f"c{i}", f"2023-0{1 + i % 6}-1{i}")
    p.cp_plan("p1", "c1", "2023-02-01").cp_plan("p2", "c2", "2023-03-01", category="PHY")
    return p


def test_a_build_with_the_audit_records_it_and_leaves_nothing_exposed(p):
    from lscp_core.settings import Settings
    from metrics.runner import build_metrics
    _small_partnership(p)
    result = build_metrics(p.con, as_at=dt.date(2023, 12, 31),
                           settings=Settings(disclosure_audit=True, history_months=3))
    audited = result.disclosure_audit
    assert audited["exposed"] == 0 and audited["relations"] > 0 and audited["audiences"] > 1
    # and a second look, from the tables as written, agrees
    assert audit(Published(p.con, T)).exposed == 0


def test_a_build_whose_audit_still_finds_an_exposed_cell_does_not_publish(p, monkeypatch):
    from lscp_core.errors import RunFailed
    from lscp_core.settings import Settings
    from metrics import disclosure_audit
    from metrics.disclosure_audit import AudienceResult, AuditResult
    from metrics.runner import build_metrics
    _small_partnership(p)
    stuck = AuditResult([AudienceResult("viewer", 3, [{"cid": 0}], 1, 2)], 10, {}, [])
    monkeypatch.setattr(disclosure_audit, "run", lambda *a, **k: stuck)
    with pytest.raises(RunFailed, match="1 cells exposed"):
        build_metrics(p.con, as_at=dt.date(2023, 12, 31), settings=Settings(disclosure_audit=True, history_months=3))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 9), min_size=14, max_size=20), st.integers(1, 4))
def test_after_complements_no_random_series_gives_a_month_away(months, published):
    """A random monthly series (small months hidden) and the last ``published`` rolling
    12-month totals (hidden when small): after complements, an independent LP over the
    months and the windows finds no hidden month pinned or small one bounded in 1..T."""
    from scipy.optimize import linprog
    n = len(months)
    periods = [month(k - n + 1) for k in range(n)]
    ends = list(range(max(11, n - published), n))
    values = [("count", periods[e], "All", "All", sum(months[e - 11:e + 1]), None,
               1 <= sum(months[e - 11:e + 1]) <= T) for e in ends]
    monthly = [("count", p, v, None, 1 <= v <= T) for p, v in zip(periods, months, strict=True)]
    con = database(values, monthly)
    p = Published(con, T, catalogue=[{"id": "count", "unit": "count"}])
    before = p.rows["suppressed"].to_numpy().copy()
    result, _ = complete(p)
    assert result.exposed == 0
    write_back(con, p, before)
    shown_months = con.execute("select suppressed from indicator_monthly order by period_end"
                               ).df()["suppressed"].to_numpy()
    shown_totals = con.execute("select suppressed from indicator_values order by period_end"
                               ).df()["suppressed"].to_numpy()
    # unknowns: the months; a shown month is fixed; a shown total is an equation
    bounds = [(0, None) if hidden else (v, v) for v, hidden in zip(months, shown_months,
                                                                   strict=True)]
    rows = []
    for e, hidden in zip(ends, shown_totals, strict=True):
        if not hidden:
            row = np.zeros(n)
            row[e - 11:e + 1] = 1
            rows.append((row, sum(months[e - 11:e + 1])))
    a_eq = np.array([r for r, _ in rows]) if rows else None
    b_eq = np.array([b for _, b in rows]) if rows else None
    for i in np.flatnonzero(shown_months):
        c = np.zeros(n)
        c[i] = 1
        lo = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        hi = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        lo = np.ceil(lo.fun - 1e-6)
        hi = np.inf if hi.status == 3 else np.floor(-hi.fun + 1e-6)
        assert lo != hi, (i, months)
        assert not (1 <= months[i] <= T and lo >= 1 and hi <= T), (i, months, lo, hi)


def test_a_build_with_no_figures_is_nothing_to_attack():
    """A delivery that formed no figures (a 903 return whose episodes all failed): the audit
    has nothing to read and leaves the run's own check to say why nothing is published."""
    from metrics.disclosure_audit import run

    con = duckdb.connect()
    con.execute("create table indicator_values (indicator_id varchar, period_end date, "
                "value double, suppressed boolean)")
    result = run(con, 5)
    assert (result.exposed, result.relations, result.audiences) == (0, 0, [])
    assert result.summary() == "disclosure audit: 0 cells exposed, 0 relations, 0 audiences"


def test_a_cell_no_complement_frees_is_closed_by_hiding_its_linked_group():
    """A count declared equal to itself a month earlier (a flat series), every month a true
    zero, and the first month hidden: it equals the next month, which is shown, so it is
    pinned at 0. No complement near it frees it (every shown month is tied to the next, and
    the chain runs past the complement search's reach, whose far end holds it at 0); the
    audit then hides the linked group's shown cells, round by round, until nothing is
    pinned: the build publishes with 0 exposed."""
    n = 24
    catalogue = [{"id": "flat", "unit": "count", "relations": [
        {"count": "numerator", "equals": "flat.numerator", "months_earlier": 1}]}]
    rows = [("flat", month(k - n + 1), "All", "All", 0, None, k == 0) for k in range(n)]
    con = database(rows)
    p = Published(con, T, catalogue=catalogue)
    first = audit(p)
    assert first.relation_kinds.get("equal counts") == n - 1
    assert [(c["truth"], c["lo"], c["hi"]) for c in first.audiences[0].exposed] == [
        (0.0, 0.0, 0.0)]
    # the complement search alone finds nothing for it
    from metrics.disclosure_audit import _cost, _Releaser
    releaser = _Releaser(p, _cost(p))
    cid = first.audiences[0].exposed[0]["cid"]
    assert not releaser.release(cid, ~p.visible(()), np.zeros(len(p.cells), bool), T, 8).size
    before = p.rows["suppressed"].to_numpy().copy()
    result, added = complete(p)
    assert result.exposed == 0 and result.stopped == "" and added > 0
    write_back(con, p, before)
    assert audit(Published(con, T, catalogue=catalogue)).exposed == 0
    # the figures are untouched: only which are hidden changed
    assert con.execute("select sum(numerator), count(*) from indicator_values").fetchall() == [
        (0, n)]


def _exposed_by_audience(p) -> dict[str, list]:
    result = audit(p, safe={})  # with ``safe``: the viewer's proofs pass on, screens run
    return {a.audience: sorted((c["cid"], c["lo"], c["hi"]) for c in a.exposed)
            for a in result.audiences}


def test_a_champion_still_pins_another_agency_cell_when_the_champions_are_screened():
    # three agencies (the screen's least): Z's column shown, X's and Y's hidden in A and B,
    # margins shown. The union of the champions sees X and Y, so its screen proves nothing
    # of theirs; X's champion reads Y's off the margins (and Y's X's), the viewer cannot
    from metrics import disclosure_audit

    rows = []
    for agency, parts, hidden in (("X", {"A": 2, "B": 6}, {"A", "B"}),
                                  ("Y", {"A": 2, "B": 7}, {"A", "B"}),
                                  ("Z", {"A": 9, "B": 8}, set())):
        rows += line("count", E, parts, hidden, agency=agency)
    rows += line("count", E, {"A": 13, "B": 21}, set(), agency="All")
    p = Published(database(rows), T, catalogue=[{"id": "count", "unit": "count"}])
    assert len(p.audiences()) - 1 >= disclosure_audit.SCREEN_MIN_CHAMPIONS
    by = {name: {(p.cells["locality"][c], p.cells["agency"][c]) for c, _, _ in cells}
          for name, cells in _exposed_by_audience(p).items()}
    assert by["viewer"] == set() and by["champion:Z"] == set()
    assert by["champion:X"] == {("A", "Y"), ("B", "Y")}
    assert by["champion:Y"] == {("A", "X"), ("B", "X")}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.tuples(st.sampled_from("ABC"), st.sampled_from("XYZ")),
                       st.integers(0, 9), min_size=9, max_size=9),
       st.sets(st.tuples(st.sampled_from("ABC"), st.sampled_from("XYZ")), max_size=4))
def test_screening_the_champions_together_finds_what_each_champion_alone_finds(n, extra):
    # the screen (an audience that sees every champion's cells) only proves cells safe for
    # each champion: each audience's exposed cells, and their intervals, are the same with
    # and without it
    from metrics import disclosure_audit

    rows = _rows("count", n, ["A", "B", "C"], ["X", "Y", "Z"],
                 lambda nv, dv: 1 <= nv <= T)
    rows = [r[:6] + (r[6] or (r[2], r[3]) in extra,) for r in rows]
    screened = _exposed_by_audience(Published(database(rows), T,
                                              catalogue=[{"id": "count", "unit": "count"}]))
    was = disclosure_audit.SCREEN_MIN_CHAMPIONS
    disclosure_audit.SCREEN_MIN_CHAMPIONS = 99
    try:
        alone = _exposed_by_audience(Published(database(rows), T,
                                               catalogue=[{"id": "count", "unit": "count"}]))
    finally:
        disclosure_audit.SCREEN_MIN_CHAMPIONS = was
    assert screened == alone
