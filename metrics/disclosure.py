"""Disclosure control that survives differencing (spec: indicators.md, "Disclosure control").

The SQL mart ``indicator_values`` flags the *primary* cells: a count of 1..T, or a rate or
percentage whose numerator or denominator is 1..T. Hiding those alone is not enough — a
restricted viewer could work a hidden count out from what they can see:

1. **across localities**: ``All`` minus the visible localities (``Unknown`` included);
2. **across agencies**: ``All`` minus the visible agencies, and, because each locality is
   also broken down by agency, any row or column of the locality × agency table;
3. **the same count in two indicators**: the referrals made in a window are one
   indicator's denominator and another's numerator; hidden in one, shown in the other;
4. **across time**: a rolling 12-month total is the sum of twelve monthly values, so
   consecutive totals and the published monthly series (the SPC chart of each month's own
   figure) would give a hidden month away.

This module chooses the complementary cells so that no hidden count of 1..T is
determined by the published figures (a linear combination of what is visible), for a
restricted viewer and for every agency's neglect champion, who sees their own agency's
cells unsuppressed. The rules, in the order applied:

- **Counts, not indicators.** Each indicator's numerator and (for rates and percentages)
  denominator is a *count series*. Series equal in every cell they share are one count
  (the derivation is from the figures, so a new indicator that republishes a count is
  caught without anyone declaring it). A count's cell hidden anywhere is hidden everywhere
  it appears: an indicator cell is hidden when its numerator's or its denominator's cell is.
- **Locality × agency tables.** For each count and period the cells form a table with
  margins (locality ``All`` and agency ``All``). A hidden cell is safe when it lies on a
  cycle of hidden cells (the classic condition for two-way tables: then a whole family of
  tables fits what is visible). When it does not, the cheapest cycle is completed: the
  complementary cells are chosen smallest count first, true zeros only where nothing else
  will do (the spec's one exception to showing zeros) — a locality's or agency's total is
  used before a zero — and the partnership total last. For a champion their own agency's
  column counts as visible, so every other agency's small cell must be protected without it.
  A count with no agency breakdown is one line: a lone hidden locality gets a partner.
- **Councils** (a partnership of several): a council is a level between the partnership
  and its localities, so each count's cells form linked tables — councils x agency (margin:
  the partnership) and, per council, its localities x agency (margin: the council's total,
  a row of the first table). A cell hidden in one table must lie on a hidden cycle in the
  other as well; the tables are completed in turn until nothing changes.
- **Monthly series.** Where a rolling count's monthly series is published (the partnership
  row), the months and the rolling totals are solved together: each figure is a difference
  of two running sums, so a hidden small figure can be derived exactly when its two running
  sums are joined by a path of visible figures (``protect_monthly``). While one can be, the
  cheapest set of visible months cutting every such path is hidden too: the fewest true
  zeros, then the smallest total count. Rolling totals are never hidden for this (the table
  is left as it is). A graph of about twelve nodes per count, not a matrix of every month:
  the cost grows with the months published, not with their square or cube.

"Recoverable" means exactly determined by linear arithmetic on published figures — the
GSS/ONS criterion. Ranges (a hidden cell is between 0 and the total) are not protected
against, nor figures outside lscp (e.g. a published DfE return of the same count).
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# Costs of hiding a visible cell as a complement: its count; a margin (a locality's or an
# agency's total) only after every inner cell; a true zero only where no non-zero cell
# will do (the spec's one exception to showing zeros); the partnership total last.
MARGIN_COST = 1e6
ZERO_COST = 1e9
TOTAL_COST = 1e12


@dataclass(frozen=True)
class DisclosureResult:
    counts: int           # count series found among the indicators' numerators/denominators
    shared: int           # series that republish another's count
    primary: int          # indicator cells hidden for their own small numbers
    secondary: int        # indicator cells hidden as complements
    monthly_hidden: int   # points of the monthly series hidden
    seconds: float
    families: dict[str, str] = field(default_factory=dict)  # series -> its count


# --- finding the counts --------------------------------------------------------------

# every count series cell: an indicator's numerator, and its denominator where it has one
SERIES_SQL = """
    select indicator_id || ':n' as series, period_end, council, locality, agency,
           numerator::double as v
    from indicator_values
    union all
    select indicator_id || ':d', period_end, council, locality, agency, denominator
    from indicator_values where denominator is not null
"""


def _has_council(con, table: str = "indicator_values") -> bool:
    """Whether ``table`` has the council column (a table built by hand for a test, or by an
    lscp before councils, has not: then every cell is council 'All')."""
    return bool(con.execute("select count(*) from duckdb_columns() where table_name = ? "
                            "and column_name = 'council' and database_name = current_database()",
                            [table]).fetchall()[0][0])


def _series_sql(con) -> str:
    return SERIES_SQL if _has_council(con) else SERIES_SQL.replace(
        "period_end, council,", "period_end, 'All' as council,")


def _series(con) -> pd.DataFrame:
    """Every count series cell: (series, period_end, council, locality, agency, v)."""
    return con.execute(_series_sql(con)).df()


def count_families(con, cells: pd.DataFrame | None = None) -> dict[str, str]:
    """series -> its count's name: series equal in every cell they share are one count.
    ``cells``: the series cells (``_series``) when the caller has read them already."""
    # Two series that differ in a partnership cell (locality and agency All) they share are
    # not one count: that small comparison rules out nearly every pair first, so only the
    # few left are compared cell by cell (every pair on every cell was ~60^2 rows a cell).
    series_sql = _series_sql(con)
    pairs = con.execute(f"""
        with s as materialized ({series_sql}),
        top as (
            select series, period_end, v from s
            where council = 'All' and locality = 'All' and agency = 'All'
        ),
        verdict as (
            select a.series as a, b.series as b, bool_and(a.v = b.v) as agree
            from top as a join top as b using (period_end)
            where a.series < b.series
            group by all
        ),
        names as (select distinct series from s),
        candidates as materialized (
            select a.series as a, b.series as b
            from names as a join names as b on a.series < b.series
            left join verdict on verdict.a = a.series and verdict.b = b.series
            where verdict.agree is distinct from false
        )
        select x.series, y.series
        from candidates
        join s as x on x.series = candidates.a
        join s as y on y.series = candidates.b and y.period_end = x.period_end
            and y.council = x.council and y.locality = x.locality and y.agency = x.agency
        group by all
        having bool_and(x.v = y.v)
    """).fetchall()
    names = (sorted(cells["series"].unique()) if cells is not None else
             [r[0] for r in con.execute(f"select distinct series from ({series_sql}) order by 1"
                                        ).fetchall()])
    parent = {n: n for n in names}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {n: find(n) for n in names}


# --- one count's locality x agency table at one period -------------------------------

def protect_table(cells: pd.DataFrame, threshold: int) -> pd.Series:
    """One count's table at one period (columns locality, agency, v; margins named
    'All'): which cells to hide. The primary cells (1..threshold) and their complements."""
    localities = sorted(cells["locality"].unique())
    agencies = sorted(cells["agency"].unique())
    li = {name: i for i, name in enumerate(localities)}
    ai = {name: i for i, name in enumerate(agencies)}
    r, c = cells["locality"].map(li).to_numpy(), cells["agency"].map(ai).to_numpy()
    value = np.zeros((len(localities), len(agencies)))
    value[r, c] = cells["v"].to_numpy(dtype=float)
    sensitive = (value >= 1) & (value <= threshold)
    hidden = _protect_table(localities, agencies, value, sensitive.copy(), sensitive)
    return pd.Series(hidden[r, c], index=cells.index)


def _protect_table(localities: list[str], agencies: list[str], value: np.ndarray,
                   hidden: np.ndarray, sensitive: np.ndarray) -> np.ndarray:
    """Complete ``hidden`` (localities x agencies, margins included as 'All') so that every
    sensitive cell lies on a cycle of hidden cells, for a viewer and for each agency's
    champion (who sees that agency's column). Returns the new hidden matrix."""
    hidden = hidden.copy()
    _rows, cols = len(localities), len(agencies)
    all_row, all_col = localities.index("All"), agencies.index("All")
    if cols == 1:
        return _protect_line(value[:, 0], hidden[:, 0], sensitive[:, 0], all_row)[:, None]
    cost = value.astype(float).copy()
    cost[all_row, :] += MARGIN_COST
    cost[:, all_col] += MARGIN_COST
    cost[value <= 0] = ZERO_COST
    cost[all_row, all_col] = TOTAL_COST
    # the views: a restricted viewer, and each agency's champion (their column is known to
    # them); hiding cells for one view can open another, so repeat until nothing changes
    views = [None] + [c for c in range(cols) if c != all_col]
    cells = list(zip(*np.nonzero(sensitive), strict=False))
    hidden_list, cost_list = hidden.tolist(), cost.tolist()
    changed = True
    while changed:
        changed = False
        for known in views:
            if known is not None and not any(row[known] for row in hidden_list):
                continue  # this champion sees nothing the viewer does not
            bridges = _bridges(hidden_list, known)
            exposed = [(r, c) for r, c in cells if c != known and (r, c) in bridges]
            for n, (r, c) in enumerate(exposed):  # a completion may cover the next ones
                if n and (r, c) not in _bridges(hidden_list, known):
                    continue
                if _complete_cycle(hidden_list, cost_list, r, c, known):
                    changed = True
    return np.array(hidden_list, dtype=bool)


def _bridges(hidden: list[list[bool]], known: int | None) -> set[tuple[int, int]]:
    """The hidden cells (row, column) on no cycle of hidden cells avoiding column ``known``:
    the bridges of the graph whose nodes are rows and columns and whose edges are hidden
    cells (Tarjan's low-link, iteratively; the graph has a few dozen nodes)."""
    rows, cols = len(hidden), len(hidden[0])
    adjacency: list[list[int]] = [[] for _ in range(rows + cols)]
    for i in range(rows):
        row = hidden[i]
        for j in range(cols):
            if row[j] and j != known:
                adjacency[i].append(rows + j)
                adjacency[rows + j].append(i)
    order = [-1] * (rows + cols)
    low = [0] * (rows + cols)
    bridges = set()
    counter = 0
    for start in range(rows + cols):
        if order[start] != -1 or not adjacency[start]:
            continue
        order[start] = low[start] = counter
        counter += 1
        stack = [(start, -1, iter(adjacency[start]))]
        while stack:
            node, parent, neighbours = stack[-1]
            advanced = False
            for other in neighbours:
                if other == parent:
                    continue  # a simple graph: the one edge back to the parent
                if order[other] == -1:
                    order[other] = low[other] = counter
                    counter += 1
                    stack.append((other, node, iter(adjacency[other])))
                    advanced = True
                    break
                low[node] = min(low[node], order[other])
            if advanced:
                continue
            stack.pop()
            if parent != -1:
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    i, j = (parent, node - rows) if parent < rows else (node, parent - rows)
                    bridges.add((i, j))
    return bridges


def _complete_cycle(hidden: list[list[bool]], cost: list[list[float]], r: int, c: int,
                    known: int | None) -> bool:
    """Put cell (r, c) on a cycle of hidden cells not using column ``known``: the cheapest
    path from its row to its column through the other cells (hidden ones free), whose
    visible cells are then hidden. True when a cell was hidden.

    The graph has a node per row and per column and a cell is an edge: at most a few
    dozen nodes, so a plain Dijkstra beats any library call's overhead here."""
    rows, cols = len(hidden), len(hidden[0])
    target = rows + c
    dist = {r: 0.0}
    previous: dict[int, int] = {}
    queue = [(0.0, r)]
    done = set()
    while queue:
        d, node = heapq.heappop(queue)
        if node in done:
            continue
        done.add(node)
        if node == target:
            break
        if node < rows:
            neighbours = ((rows + j, 0.0 if hidden[node][j] else cost[node][j])
                          for j in range(cols)
                          if j != known and not (node == r and j == c))
        else:
            j = node - rows
            neighbours = ((i, 0.0 if hidden[i][j] else cost[i][j])
                          for i in range(rows)
                          if j != known and not (i == r and j == c))
        for other, w in neighbours:
            nd = d + w
            if nd < dist.get(other, float("inf")):
                dist[other] = nd
                previous[other] = node
                heapq.heappush(queue, (nd, other))
    if target not in done or dist[target] == 0.0:
        return False  # already on a hidden cycle (or nothing can cover it)
    node = target
    while node != r:
        prev = previous[node]
        i, j = (prev, node - rows) if prev < rows else (node, prev - rows)
        hidden[i][j] = True
        node = prev
    return True


def _protect_line(value: np.ndarray, hidden: np.ndarray, sensitive: np.ndarray,
                  total: int) -> np.ndarray:
    """One line (localities and their total): a lone hidden entry gets a partner, the
    smallest non-zero locality, else a zero, else the total."""
    hidden = hidden.copy()
    if hidden.sum() != 1 or not (hidden & sensitive).any():
        return hidden
    candidates = [i for i in range(len(value)) if not hidden[i] and i != total]
    if candidates:
        best = min(candidates, key=lambda i: (value[i] == 0, value[i], i))
    else:
        best = total
    hidden[best] = True
    return hidden


# --- a rolling count's monthly series --------------------------------------------------
#
# The unknowns are the months x_1..x_W; write P_k = x_1 + ... + x_k (P_0 = 0), one node per
# k = 0..W. A published month x_c is P_c - P_(c-1), a rolling total the twelve months to c is
# P_c - P_(c-12): every published figure is the difference of two nodes, an edge. A sum of
# months is worked out from the published figures by linear arithmetic exactly when its two
# nodes are joined by a path of published figures (the span of a graph's edge differences
# holds e_u - e_v exactly when u and v are connected). So protecting a hidden small figure
# is cutting its two nodes apart by hiding months, a graph question with no matrix to solve.
# Rolling totals are never hidden here, so each chain of nodes they join (k, k + 12, ...) is
# one node of the graph the months connect: about twelve chains (one per calendar month)
# when every rolling total shows.


def _month_index(dates: pd.Series) -> np.ndarray:
    d = pd.to_datetime(dates)
    return (d.dt.year * 12 + d.dt.month).to_numpy()


class _Chains:
    """Union-find over integers 0..n-1."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _min_cut(edges: list[tuple[int, int, int, int]], source: int, sink: int) -> list[int]:
    """The months (their ids) of the cheapest cut between ``source`` and ``sink`` in the
    graph of ``edges`` (node, node, cost, month id): a maximum flow (Edmonds-Karp, exact in
    integers), then the months leaving the nodes the residual graph still reaches from the
    source. Parallel months between two nodes are one edge of their summed cost."""
    capacity: dict[int, dict[int, int]] = {}
    for a, b, cost, _ in edges:
        for u, v in ((a, b), (b, a)):
            row = capacity.setdefault(u, {})
            row[v] = row.get(v, 0) + cost
    while True:
        previous = {source: source}
        queue = [source]
        for node in queue:  # breadth first: the shortest augmenting path
            if node == sink:
                break
            for other, room in capacity.get(node, {}).items():
                if room > 0 and other not in previous:
                    previous[other] = node
                    queue.append(other)
        if sink not in previous:
            break
        path = []
        node = sink
        while node != source:
            path.append((previous[node], node))
            node = previous[node]
        push = min(capacity[u][v] for u, v in path)
        for u, v in path:
            capacity[u][v] -= push
            capacity[v][u] += push
    reached = set(previous)
    return sorted(month for a, b, _, month in edges if (a in reached) != (b in reached))


def protect_monthly(rolling: pd.DataFrame, monthly: pd.DataFrame, threshold: int) -> set:
    """The months of one count's monthly series to hide.

    ``rolling``: period_end, v, hidden (the partnership's rolling 12-month totals);
    ``monthly``: period_end, v (that count's own month). A hidden small month or small
    rolling total must not be derivable from the visible ones. Each such figure in turn
    (months first, oldest first), while it can still be derived, is cut from the visible
    figures by the cheapest set of visible months: the fewest true zeros (the spec's one
    exception to showing them), then the smallest total count. Hiding only ever removes
    derivations, so a figure once protected stays protected: one pass, and the cost grows
    with the months (a graph of about twelve nodes, not a matrix of every month)."""
    if monthly.empty:
        return set()
    r_idx, m_idx = _month_index(rolling["period_end"]), _month_index(monthly["period_end"])
    first = int(min(r_idx.min() - 11 if len(r_idx) else m_idx.min(), m_idx.min()))
    last = int(max(r_idx.max() if len(r_idx) else m_idx.max(), m_idx.max()))
    r_col, m_col = (r_idx - first).tolist(), (m_idx - first).tolist()
    m_value = monthly["v"].to_numpy(dtype=float)
    m_hidden = (m_value >= 1) & (m_value <= threshold)
    r_hidden = rolling["hidden"].to_numpy(dtype=bool)
    r_value = rolling["v"].to_numpy(dtype=float)
    # node k = the months before column k; a rolling total to column c joins c - 11 and c + 1
    chains = _Chains(last - first + 2)
    for i in np.nonzero(~r_hidden)[0]:
        chains.union(r_col[i] - 11, r_col[i] + 1)
    node = [chains.find(k) for k in range(last - first + 2)]
    targets = [(node[m_col[i]], node[m_col[i] + 1]) for i in np.nonzero(m_hidden)[0]]
    targets += [(node[r_col[i] - 11], node[r_col[i] + 1]) for i in np.nonzero(
        r_hidden & (r_value >= 1) & (r_value <= threshold))[0]]
    if not targets:
        return set()
    # a true zero costs more than every non-zero month together
    zero_cost = int(m_value[(m_value > 0) & ~m_hidden].sum()) + 1
    cost = [max(1, round(v)) if v > 0 else zero_cost for v in m_value.tolist()]
    month_edges = [(node[m_col[i]], node[m_col[i] + 1], i) for i in range(len(m_col))]
    component = None
    for a, b in targets:
        if a == b:  # cannot happen: rolling totals alone determine no month
            raise AssertionError("a hidden figure follows from the rolling totals alone")
        if component is None:  # after a cut: which nodes the visible months still join
            joined = _Chains(len(node))
            for u, v, i in month_edges:
                if not m_hidden[i]:
                    joined.union(u, v)
            component = joined
        if component.find(a) != component.find(b):
            continue
        visible = [(u, v, cost[i], i) for u, v, i in month_edges if not m_hidden[i]]
        m_hidden[_min_cut(visible, a, b)] = True
        component = None
    return set(pd.to_datetime(monthly["period_end"])[m_hidden].dt.date)


def _hide(con, table: str, families: dict[str, str], cells: pd.DataFrame,
          keys: list[str], where: str = "") -> int:
    """Hide, in ``table``, every indicator's cell of each count in ``cells`` (columns count
    and ``keys``): a count's cell is hidden in every indicator that publishes it. Returns
    the cells newly hidden."""
    if cells.empty:
        return 0
    if "council" in keys and not _has_council(con, table):
        keys = [k for k in keys if k != "council"]
    con.register("disclosure_cells", cells)
    con.register("disclosure_families", pd.DataFrame(
        [(s.rsplit(":", 1)[0], f) for s, f in families.items()],
        columns=["indicator_id", "count"]).drop_duplicates())
    match = " and ".join(f"c.{k} = t.{k}" for k in keys)
    try:
        return con.execute(f"""
            update {table} as t set suppressed = true
            from disclosure_families as f join disclosure_cells as c on c.count = f.count
            where f.indicator_id = t.indicator_id and {match} and not t.suppressed {where}
        """).fetchall()[0][0]
    finally:
        con.unregister("disclosure_cells")
        con.unregister("disclosure_families")


# --- the whole build --------------------------------------------------------------------

def protect(con, threshold: int) -> DisclosureResult:
    """Set ``indicator_values.suppressed`` and ``indicator_monthly.suppressed`` (primary
    flags from SQL in, differencing-proof flags out)."""
    started = time.perf_counter()
    cells = _series(con)
    families = count_families(con, cells)
    cells["count"] = cells["series"].map(families)
    cells["sensitive"] = (cells["v"] >= 1) & (cells["v"] <= threshold)
    # one value per count and cell (the series agree wherever they share a cell)
    table = (cells.groupby(["count", "period_end", "council", "locality", "agency"], sort=True)
             .agg(v=("v", "min"), sensitive=("sensitive", "any")).reset_index())
    if set(table["council"].unique()) - {"All"}:
        hidden = _protect_councils(table)
    else:
        hidden = _protect_localities(table)
    monthly_hidden = _protect_monthly_series(con, families, table, hidden, threshold)
    primary = con.execute("select count(*) filter (where suppressed) from indicator_values"
                          ).fetchall()[0][0]
    secondary = _hide(con, "indicator_values", families, hidden,
                      ["period_end", "council", "locality", "agency"])
    months = 0
    if monthly_hidden is not None:  # None: no monthly series in this build
        _hide(con, "indicator_monthly", families, monthly_hidden, ["period_end"],
              "and t.series = 'in_month'")
        # the partnership row of a snapshot series is the published cell itself
        partnership = "v.council = 'All' and " if _has_council(con) else ""
        con.execute(f"""
            update indicator_monthly as m set suppressed = true
            from indicator_values as v
            where m.series = 'snapshot' and v.indicator_id = m.indicator_id
                and v.period_end = m.period_end and {partnership}
                v.locality = 'All' and v.agency = 'All'
                and v.suppressed and not m.suppressed
        """)
        months = con.execute("select count(*) filter (where suppressed) from indicator_monthly"
                             ).fetchall()[0][0]
    return DisclosureResult(counts=len(set(families.values())),
                            shared=len(families) - len(set(families.values())),
                            primary=primary, secondary=secondary, families=families,
                            monthly_hidden=months, seconds=time.perf_counter() - started)


def _protect_localities(table: pd.DataFrame) -> pd.DataFrame:
    """A partnership of one council (council 'All'): each count's locality x agency table
    at each period. (count, period_end, council, locality, agency) of every cell to hide."""
    hidden_cells = []
    # integer codes once, not per group: the loop runs only over tables with a small cell
    locality_names, locality_code = np.unique(table["locality"].to_numpy(), return_inverse=True)
    agency_names, agency_code = np.unique(table["agency"].to_numpy(), return_inverse=True)
    values = table["v"].fillna(0).to_numpy(dtype=float)
    small = table["sensitive"].to_numpy(dtype=bool)
    counts, periods = table["count"].to_numpy(), table["period_end"].to_numpy()
    for index in table.groupby(["count", "period_end"], sort=True).indices.values():
        if not small[index].any():
            continue
        rows_used, r = np.unique(locality_code[index], return_inverse=True)
        cols_used, c = np.unique(agency_code[index], return_inverse=True)
        localities = [str(x) for x in locality_names[rows_used]]
        agencies = [str(x) for x in agency_names[cols_used]]
        if "All" not in localities or "All" not in agencies:
            continue
        value = np.zeros((len(localities), len(agencies)))
        sensitive = np.zeros_like(value, dtype=bool)
        value[r, c] = values[index]
        sensitive[r, c] = small[index]
        hidden = _protect_table(localities, agencies, value, sensitive.copy(), sensitive)
        for i, j in zip(*np.nonzero(hidden), strict=False):
            hidden_cells.append((counts[index[0]], periods[index[0]], localities[i],
                                 agencies[j]))
    return pd.DataFrame([(c, p, "All", loc, a) for c, p, loc, a in hidden_cells],
                        columns=["count", "period_end", "council", "locality", "agency"])


def _protect_councils(table: pd.DataFrame) -> pd.DataFrame:
    """A partnership of several councils: each count's cells at each period form linked
    tables — the councils' totals x agency (margin: the partnership), and each council's
    localities x agency (margin: that council's total, a row of the first table). Each
    table is protected as a locality x agency table is; a cell hidden in one table is one
    to protect in the other (its hidden cells must all lie on hidden cycles), until
    nothing changes. (count, period_end, council, locality, agency) of every cell to hide."""
    out = []
    keys = ["council", "locality", "agency"]
    for (count, period), group in table.groupby(["count", "period_end"], sort=True):
        small = group["sensitive"].to_numpy(dtype=bool)
        if not small.any():
            continue
        value = dict(zip(map(tuple, group[keys].to_numpy()), group["v"].fillna(0), strict=True))
        hidden = {k: bool(h) for k, h in zip(value, small, strict=True)}
        agencies = sorted({k[2] for k in value})
        if "All" not in agencies:
            continue
        councils = sorted({k[0] for k in value} - {"All"})
        # (row labels as the table names them, (council, locality) of each row)
        tables = [([*councils, "All"], [(c, "All") for c in councils] + [("All", "All")])]
        for council in councils:
            places = sorted({k[1] for k in value if k[0] == council} - {"All"}) + ["All"]
            tables.append((places, [(council, p) for p in places]))
        changed = True
        while changed:
            changed = False
            for labels, rows in tables:
                shape = (len(rows), len(agencies))
                v = np.zeros(shape)
                h = np.zeros(shape, dtype=bool)
                for i, row in enumerate(rows):
                    for j, agency in enumerate(agencies):
                        key = (*row, agency)
                        v[i, j] = value.get(key, 0.0)
                        h[i, j] = hidden.get(key, False)
                if not h.any():
                    continue
                new = _protect_table(labels, agencies, v, h, h)  # it copies what it changes
                for i, j in zip(*np.nonzero(new & ~h), strict=False):
                    hidden[(*rows[i], agencies[j])] = True
                    changed = True
        out += [(count, period, *k) for k, h in hidden.items() if h]
    return pd.DataFrame(out, columns=["count", "period_end", "council", "locality", "agency"])


def _protect_monthly_series(con, families, table, hidden, threshold) -> pd.DataFrame | None:
    """(count, period_end) of every monthly point to hide, for the rolling counts."""
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    if "indicator_monthly" not in tables:
        return None
    monthly = con.execute("""
        select m.indicator_id, m.period_end, m.numerator::double as n, m.denominator as d,
               c.unit
        from indicator_monthly as m join indicator_catalogue as c using (indicator_id)
        where m.series = 'in_month'
    """).df()
    if monthly.empty:
        return pd.DataFrame(columns=["count", "period_end"])
    parts = [monthly.assign(series=monthly["indicator_id"] + ":n", v=monthly["n"])]
    percent = monthly[monthly["unit"] == "percent"]  # a rate's denominator is a population
    parts.append(percent.assign(series=percent["indicator_id"] + ":d", v=percent["d"]))
    months = pd.concat(parts, ignore_index=True)
    months["count"] = months["series"].map(families)
    months = (months.dropna(subset=["count"]).groupby(["count", "period_end"])
              .agg(v=("v", "min")).reset_index())
    partnership = table[(table["council"] == "All") & (table["locality"] == "All")
                        & (table["agency"] == "All")]
    hidden_keys = set(zip(hidden["count"], hidden["period_end"].astype(str),
                          hidden["council"], hidden["locality"], hidden["agency"],
                          strict=False))
    out = []
    for count, series in months.groupby("count", sort=True):
        rolling = partnership[partnership["count"] == count][["period_end", "v"]].copy()
        rolling["hidden"] = [(count, str(p), "All", "All", "All") in hidden_keys
                             for p in rolling["period_end"]]
        for period in protect_monthly(rolling, series[["period_end", "v"]], threshold):
            out.append((count, period))
    return pd.DataFrame(out, columns=["count", "period_end"])


# --- breakdowns by characteristic or tool ---------------------------------------------------

def protect_breakdowns(con, threshold: int, families: dict[str, str] | None = None) -> int:
    """Complements in ``indicator_breakdowns`` per count, not per indicator: a count two
    indicators break down alike (a count and a percentage's denominator) must not be hidden
    in one and shown in the other. Each count's categories and its ``All`` (the published
    partnership figure, hidden wherever every indicator showing that count hides it) form a
    line: a line with exactly one hidden entry gets a partner, the smallest non-zero
    category, else a zero (never ``All``, whose flag is the published one). Returns the
    cells newly hidden."""
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    if "indicator_breakdowns" not in tables:
        return 0
    families = families if families is not None else count_families(con)
    cells = con.execute("""
        select indicator_id || ':n' as series, period_end, dimension, category,
               numerator::double as v, suppressed
        from indicator_breakdowns
        union all
        select indicator_id || ':d', period_end, dimension, category, denominator, suppressed
        from indicator_breakdowns where denominator is not null
    """).df()
    if cells.empty:
        return 0
    cells["count"] = cells["series"].map(families).fillna(cells["series"])
    cells["small"] = (cells["v"] >= 1) & (cells["v"] <= threshold)
    keys = ["count", "period_end", "dimension", "category"]
    # a count's cell is hidden when every indicator showing it hides it (or it is small)
    line = cells.groupby(keys, sort=True).agg(
        v=("v", "min"), hidden=("suppressed", "all"), small=("small", "any")).reset_index()
    line["hidden"] = line["hidden"] | line["small"]
    hidden_per_line = line.groupby(["count", "period_end", "dimension"])["hidden"].transform("sum")
    lone = line[hidden_per_line == 1]
    # each lone line's partner: its smallest non-zero visible category, else a zero (one
    # sort of every line together, not a loop over them)
    candidates = lone[~lone["hidden"] & (lone["category"] != "All")]
    partners = (candidates.assign(zero=candidates["v"] == 0)
                .sort_values(["count", "period_end", "dimension", "zero", "v", "category"])
                .drop_duplicates(["count", "period_end", "dimension"])[keys])
    return _hide(con, "indicator_breakdowns", families, partners.reset_index(drop=True),
                 ["period_end", "dimension", "category"])
