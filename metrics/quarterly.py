"""Each quarter's own figure: the SPC series a restricted viewer is judged on when months
are hidden (spec: indicators.md, "Statistical process control").

``indicator_quarterly`` (published): one row per monthly indicator and calendar quarter
whose three months are all in ``indicator_monthly`` (the partnership's own monthly series):

- ``period_end`` the quarter's last month end, ``quarter_start`` its first day;
- ``numerator`` = the sum of the three months' numerators, ``denominator`` = the sum of
  their denominators (NULL for a count); ``value`` = numerator / denominator (x100 for a
  percentage, x10,000 for a rate); for a count, the quarter's total of a monthly flow, or
  the average of its three month ends for a month-end snapshot;
- ``suppressed``: hidden from restricted viewers.

**The relation the disclosure audit adds**: for each published quarter q of an indicator,
``numerator(q) = sum of numerator(m)`` and ``denominator(q) = sum of denominator(m)`` over
the three months m of ``indicator_monthly`` with ``quarter_start <= period_end(m) <=
period_end(q)`` (the same indicator and series).

Suppression, in order:

0. months hidden consistently: a flow (``in_month``) whose published monthly chart (``spc``)
   has a hidden month is judged on quarters for a restricted viewer, so every one of its
   months is hidden from them in ``spc`` (``hide_months_consistently``); a month-end
   snapshot's months are its published headline figures and stay as they are;

1. primary: a numerator of 1..T, or (a rate or percentage) a denominator of 1..T;
2. secondary, so that no quarter narrows a hidden figure: each count's series is the graph
   of ``metrics.disclosure.protect_monthly`` (a figure is the difference of two running
   sums, ``P_end - P_start``): visible months of ``spc``, visible rolling 12-month totals of the
   partnership (a flow) and visible quarters are its edges. A hidden month, a hidden
   rolling total or a quarter hidden by rule 1 can be worked out exactly when its two
   nodes are joined by visible edges. Quarters are added newest first, and one that would
   join the two nodes of any hidden figure (of any size: a hidden complement recovered
   would reopen the locality tables) is hidden instead. Adding edges only joins nodes, so
   what is checked when a quarter is added stays true: no quarter a viewer sees adds a
   derivation to what they already see.

``spc_quarterly`` (published): the XmR chart of each indicator's visible quarters only
(suppressed quarters have no value, and the mean and limits are worked out without them,
so they cannot give a hidden quarter away), with the baselines of ``spc`` mapped onto
quarters: a fix at the first quarter that starts on or after the change, when at least
``QUARTER_BASELINE`` visible quarters come before it (else the limits use every quarter).
"""

from __future__ import annotations

import pandas as pd

from metrics.disclosure import _Chains, _month_index, count_families
from metrics.spc import SPC_TABLE_COLUMNS, _chart_rows, read_baselines

QUARTER_BASELINE = 8  # visible quarters before a fixed baseline (two years) to fix on it

QUARTERLY_COLUMNS: list[tuple[str, str]] = [
    ("indicator_id", "VARCHAR"),
    ("period_end", "DATE"),
    ("quarter_start", "DATE"),
    ("series", "VARCHAR"),
    ("numerator", "BIGINT"),
    ("denominator", "DOUBLE"),
    ("value", "DOUBLE"),
    ("suppressed", "BOOLEAN"),
]

QUARTERS_SQL = """
    with
    catalogue as (select indicator_id, unit from indicator_catalogue),
    parameters as (select {threshold} as threshold),
    months as (
        select indicator_id, period_end, series, numerator, denominator,
               date_trunc('quarter', period_end)::date as quarter_start
        from indicator_monthly
    ),
    quarters as (
        select indicator_id, quarter_start, any_value(series) as series,
               max(period_end) as period_end, count(*) as months,
               sum(numerator)::bigint as numerator, sum(denominator)::double as denominator
        from months
        group by indicator_id, quarter_start
    ),
    final as (
        select q.indicator_id, q.period_end, q.quarter_start, q.series, q.numerator,
            case when c.unit = 'count' then null else q.denominator end as denominator,
            case
                when c.unit = 'count' and q.series = 'snapshot' then q.numerator / 3.0
                when c.unit = 'count' then q.numerator::double
                when q.denominator is null or q.denominator = 0 then null
                when c.unit = 'rate' then q.numerator / q.denominator * 10000
                else q.numerator / q.denominator * 100
            end as value,
            coalesce(q.numerator between 1 and p.threshold
                     or (c.unit <> 'count' and q.denominator between 1 and p.threshold),
                     false) as suppressed
        from quarters as q join catalogue as c using (indicator_id), parameters as p
        where q.months = 3 and q.period_end = last_day(q.quarter_start + interval 2 month)
    )
    select * from final order by indicator_id, period_end
"""


def _protect_count(months: pd.DataFrame, rolling: pd.DataFrame | None,
                   quarters: pd.DataFrame) -> set:
    """The quarters (their index labels) of one count to hide as complements.

    ``months``: period_end, hidden (the count's monthly figures); ``rolling``: period_end,
    hidden (a flow's rolling 12-month totals of the partnership) or None (a snapshot);
    ``quarters``: period_end, hidden (hidden already by the primary rule)."""
    cols = [_month_index(months["period_end"])]
    if rolling is not None and len(rolling):
        cols.append(_month_index(rolling["period_end"]) - 11)
    cols.append(_month_index(quarters["period_end"]) - 2)
    first = int(min(c.min() for c in cols if len(c)))
    last = int(_month_index(pd.concat([months["period_end"], quarters["period_end"],
                                       *([rolling["period_end"]] if rolling is not None
                                         else [])])).max())
    size = last - first + 2
    graph = _Chains(size)
    targets: list[tuple[int, int]] = []

    def edge(end: pd.Timestamp, span: int) -> tuple[int, int]:
        end = pd.Timestamp(end)  # as _month_index, without a Series for each figure
        c = end.year * 12 + end.month - first
        return c - span + 1, c + 1

    for period, hidden in zip(months["period_end"], months["hidden"], strict=True):
        a, b = edge(period, 1)
        if hidden:
            targets.append((a, b))
        else:
            graph.union(a, b)
    if rolling is not None:
        for period, hidden in zip(rolling["period_end"], rolling["hidden"], strict=True):
            a, b = edge(period, 12)
            if a < 0:
                continue
            if hidden:
                targets.append((a, b))
            else:
                graph.union(a, b)
    order = quarters.sort_values("period_end", ascending=False)
    for _label, row in order.iterrows():
        if row["hidden"]:
            targets.append(edge(row["period_end"], 3))
    # a figure the shown months and rolling totals give away already (a month before the
    # chart begins, with the months a year later shown) is no quarter's to protect: hiding
    # quarters would not hide it, and would hide every quarter of a series judged on months
    targets = [(x, y) for x, y in targets if graph.find(x) != graph.find(y)]
    hide = set()
    for label, row in order.iterrows():
        if row["hidden"]:
            continue
        a, b = edge(row["period_end"], 3)
        trial = _Chains(size)
        trial.parent = list(graph.parent)
        trial.union(a, b)
        if any(trial.find(x) == trial.find(y) for x, y in targets):
            hide.add(label)
        else:
            graph = trial
    return hide


def _secondary(con, quarters: pd.DataFrame) -> set:
    """Index labels of the quarters to hide so that none narrows a hidden figure."""
    # what a restricted viewer sees of each month: its point on the published chart
    # (``spc``), unless hidden; a month the chart does not show is an unknown, never an edge
    months = con.execute("""
        select m.indicator_id, m.period_end, m.series,
               m.suppressed or coalesce(s.suppressed, true) as suppressed, c.unit
        from indicator_monthly as m join indicator_catalogue as c using (indicator_id)
        left join spc as s on s.indicator_id = m.indicator_id
            and s.period_end = m.period_end
    """).df()
    if months.empty or quarters.empty:
        return set()
    council = ("coalesce(council, 'All') = 'All' and " if con.execute(
        "select count(*) from duckdb_columns() where table_name = 'indicator_values' "
        "and column_name = 'council' and database_name = current_database()"
    ).fetchall()[0][0] else "")
    rolling = con.execute(f"""
        select indicator_id, period_end, suppressed from indicator_values
        where {council} locality = 'All' and agency = 'All'
    """).df()
    families = count_families(con)
    units = dict(zip(months["indicator_id"], months["unit"], strict=False))
    kinds = dict(zip(months["indicator_id"], months["series"], strict=False))
    # every (count, series kind) with the indicators publishing it; a rate's denominator is
    # a population, not a count: only its numerator is a count series here
    groups: dict[tuple[str, str], list[str]] = {}
    summed: dict[tuple[str, str], bool] = {}
    sums = rolling_sums(con)
    for iid in sorted(quarters["indicator_id"].unique()):
        for role in ("n", "d"):
            if role == "d" and units.get(iid) != "percent":
                continue
            count = families.get(f"{iid}:{role}", f"{iid}:{role}")
            groups.setdefault((count, kinds.get(iid)), []).append(iid)
            key = (count, kinds.get(iid))
            summed[key] = summed.get(key, True) and sums.get((iid, role), True)
    hide: set = set()
    for (count, kind), ids in groups.items():
        m = months[months["indicator_id"].isin(ids)].groupby("period_end", as_index=False)[
            "suppressed"].any().rename(columns={"suppressed": "hidden"})
        r = None
        # a rolling 12-month figure that is not the sum of its 12 own months (children
        # counted once however many months they appear in) gives no month away by
        # differencing: it is no edge of the graph (the disclosure audit drops that
        # relation too, and judges what is published with the quarters among it)
        if kind == "in_month" and summed.get((count, kind), True):
            r = rolling[rolling["indicator_id"].isin(ids)].groupby(
                "period_end", as_index=False)["suppressed"].any().rename(
                columns={"suppressed": "hidden"})
        q = quarters[quarters["indicator_id"].isin(ids)]
        # one edge per quarter of this count: published when any indicator shows it, so
        # hidden only where every indicator hides it already; a quarter found unsafe is
        # hidden in every indicator that publishes this count
        edges = q.assign(hidden=q["suppressed"] | q.index.isin(list(hide))).groupby(
            "period_end", as_index=False)["hidden"].all()
        hidden_edges = _protect_count(m, r, edges.set_index(edges.index))
        ends = set(edges.loc[list(hidden_edges), "period_end"])
        hide |= set(q.index[q["period_end"].isin(ends)])
    return hide


def rolling_sums(con) -> dict[tuple[str, str], bool]:
    """(indicator, "n" or "d") -> whether each of its partnership's rolling 12-month figures
    is the sum of the 12 months of its own-month series (a flow's ``in_month`` rows), as
    the true figures show: a count of events is, a count of children each counted once in
    the 12 months is not. Windows with fewer than 12 months of the series are not checked."""
    council = ("coalesce(v.council, 'All') = 'All' and " if con.execute(
        "select count(*) from duckdb_columns() where table_name = 'indicator_values' "
        "and column_name = 'council' and database_name = current_database()"
    ).fetchall()[0][0] else "")
    rows = con.execute(f"""
        with
        months as (
            select indicator_id, period_end, numerator::double as n,
                   denominator::double as d
            from indicator_monthly where series = 'in_month'
        ),
        windows as (
            select a.indicator_id, a.period_end, sum(b.n) as n, sum(b.d) as d,
                   count(*) as months
            from months as a join months as b
                on b.indicator_id = a.indicator_id
                and b.period_end > a.period_end - interval 12 month
                and b.period_end <= a.period_end
            group by a.indicator_id, a.period_end
        ),
        final as (
            select w.indicator_id,
                   bool_and(coalesce(abs(v.numerator - w.n) < 1e-6, true)) as n_sum,
                   bool_and(coalesce(abs(v.denominator - w.d) < 1e-6, true)) as d_sum
            from windows as w join indicator_values as v
                on v.indicator_id = w.indicator_id and v.period_end = w.period_end
            where {council} v.locality = 'All' and v.agency = 'All' and w.months = 12
            group by w.indicator_id
        )
        select * from final
    """).fetchall()
    out: dict[tuple[str, str], bool] = {}
    for iid, n_sum, d_sum in rows:
        out[(iid, "n")], out[(iid, "d")] = bool(n_sum), bool(d_sum)
    return out


def quarters_sql(threshold: int | None = None) -> str:
    """QUARTERS_SQL with the suppression threshold: ``threshold``, else the run's own
    (``run_parameters``)."""
    return QUARTERS_SQL.replace("{threshold}", str(int(threshold)) if threshold is not None
                                else "(select suppression_threshold from run_parameters)")


def build_quarterly_tables(con, threshold: int | None = None) -> None:
    """Write ``indicator_quarterly`` and ``spc_quarterly`` (after ``indicator_monthly``'s
    suppression is final and ``spc`` is built). ``threshold``: the suppression threshold,
    else the run's (``run_parameters``)."""
    hide_months_consistently(con)
    quarters = con.sql(quarters_sql(threshold)).df()
    quarters["suppressed"] = quarters["suppressed"].astype(bool)
    if not quarters.empty:
        quarters.loc[list(_secondary(con, quarters)), "suppressed"] = True
    _write(con, "indicator_quarterly", quarters, QUARTERLY_COLUMNS)
    _write(con, "spc_quarterly", _charts(con, quarters), SPC_TABLE_COLUMNS)


def hide_months_consistently(con) -> None:
    """A flow (``in_month``) with a hidden month on its published chart is judged on quarters
    for a restricted viewer (metrics.verdict): none of its months is shown to them, so no
    quarter can be a published month's complement. ``indicator_monthly`` (not published)
    then says so too, for the disclosure audit: a month hidden on the chart is hidden (a
    month the chart does not reach stays as it was: the audit takes it as seen, which only
    ever gives the attacker more)."""
    con.execute("""
        update spc set suppressed = true
        where series = 'in_month' and not coalesce(suppressed, false)
            and indicator_id in (select indicator_id from spc
                                 where series = 'in_month' and suppressed)
    """)
    con.execute("""
        update indicator_monthly as m set suppressed = true
        from spc as s
        where s.indicator_id = m.indicator_id and s.period_end = m.period_end
            and m.series = 'in_month' and s.suppressed and not m.suppressed
    """)


def refresh_charts(con) -> None:
    """After the disclosure audit's complements (metrics/disclosure_audit.py): a month it hid
    is hidden on ``spc`` (and a flow's other months with it), and each indicator's quarterly
    chart is worked out again on the quarters still shown."""
    con.execute("""
        update spc as s set suppressed = true
        from indicator_monthly as m
        where m.indicator_id = s.indicator_id and m.period_end = s.period_end
            and m.suppressed and not coalesce(s.suppressed, false)
    """)
    hide_months_consistently(con)
    quarters = con.execute("select * from indicator_quarterly").df()
    if not quarters.empty:
        quarters["suppressed"] = quarters["suppressed"].astype(bool)
    _write(con, "spc_quarterly", _charts(con, quarters), SPC_TABLE_COLUMNS)


def _write(con, name: str, frame: pd.DataFrame, columns: list[tuple[str, str]]) -> None:
    if frame.empty:
        definition = ", ".join(f'"{c}" {t}' for c, t in columns)
        con.execute(f"create or replace table {name} ({definition})")
        return
    select = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in columns)
    con.register("quarterly_frame", frame)
    try:
        con.execute(f"create or replace table {name} as select {select} from quarterly_frame "
                    "order by indicator_id, period_end")
    finally:
        con.unregister("quarterly_frame")


def _charts(con, quarters: pd.DataFrame) -> pd.DataFrame:
    """Each indicator's XmR chart of its visible quarters: ``spc._chart_rows`` (the chart
    ``spc`` is built with) on every quarter, a suppressed one without its value, baselines
    starting at the first quarter that starts in or after their month."""
    if quarters.empty:
        return pd.DataFrame()
    catalogue = con.execute("select indicator_id, polarity from indicator_catalogue").df()
    polarity = dict(zip(catalogue["indicator_id"], catalogue["polarity"], strict=True))
    has_targets = con.execute("select count(*) from duckdb_tables() where table_name = "
                              "'seed_targets'").fetchall()[0][0]
    targets = dict(con.execute("select indicator_id, min(target) from seed_targets group by 1"
                               ).fetchall()) if has_targets else {}
    baselines = read_baselines(con)
    frames = []
    for iid, series in quarters.groupby("indicator_id", sort=True):
        series = series.sort_values("period_end")
        suppressed = series["suppressed"].astype(bool)
        chart = pd.DataFrame({
            "period_end": series["period_end"].to_numpy(),
            "period_start": series["quarter_start"].to_numpy(),
            "value": series["value"].astype("float64").where(~suppressed).to_numpy(),
            "polarity": polarity.get(iid),
            "target": targets.get(iid),
            "series": "quarter",
            "suppressed": series["suppressed"].to_numpy(),
        })
        frames.append(_chart_rows(iid, chart, baselines.get(iid, []), None,
                                  fix_needs=QUARTER_BASELINE))
    return pd.concat(frames, ignore_index=True)
