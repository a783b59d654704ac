"""The differencing attacks of issue 17, run on what a restricted viewer (or a champion) sees.

Each attack takes the published figures with the hidden ones blanked, works out every
hidden count it can by exact arithmetic, and keeps only those that come out equal to the
true figure and are small (1..T): a *recovered* cell. The true figures come from the
unsuppressed export, which only the test holds.

Routes (issue 17, item 2):
- ``across_localities``: ``All`` minus the visible localities, per agency;
- ``across_agencies``: ``All`` minus the visible agencies, per locality;
- ``within_tables``: the whole locality × agency table of one count at one period solved
  exactly (rows and columns together, which the first two cannot do alone);
- ``shared_counts``: a count hidden in one indicator but shown in another that publishes
  the same count (the attacker pairs series that agree wherever both are visible);
- ``across_time``: a rolling 12-month total is the sum of its twelve months, and the
  monthly series is published: both solved together, with each quarter's own figure (the
  sum of its three months, issue 22) when given; ``snapshot_quarters``: a month-end
  snapshot's quarters with its published month-end figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# scipy's LAPACK, not numpy's: numpy's threaded BLAS spins on these small matrices when
# the machine is busy (measured: 10 ms against 1 ms a call)
from scipy import linalg

Key = tuple  # (indicator_id, role, period_end, locality, agency)
# Two series are taken for one count when they agree wherever both are visible, on at
# least this many non-zero figures (a coincidence of a few small numbers is not a twin).
TWIN_EVIDENCE = 24


def series_cells(values: pd.DataFrame, hidden_column: str = "hidden") -> pd.DataFrame:
    """Long form: one row per indicator, role ('n'/'d'), period, locality, agency with the
    true value ``truth`` and whether the viewer sees it (``seen``)."""
    frames = []
    for role, column in (("n", "numerator"), ("d", "denominator")):
        part = values[values[column].notna()] if role == "d" else values
        frames.append(pd.DataFrame({
            "indicator_id": part["indicator_id"], "role": role,
            "period_end": pd.to_datetime(part["period_end"]).dt.date,
            "locality": part["locality"], "agency": part["agency"],
            "truth": part[column].astype(float), "seen": ~part[hidden_column].astype(bool)}))
    return pd.concat(frames, ignore_index=True)


def _small(value: float, threshold: int) -> bool:
    return 1 <= value <= threshold


def _solve(forms: np.ndarray, known: np.ndarray, values: np.ndarray, targets: np.ndarray):
    """For each target form: its value when determined by the known forms, else None."""
    if known.any():
        a = forms[known]
        _, s, vt = linalg.svd(a, full_matrices=False, lapack_driver="gesvd")
        basis = vt[: int((s > 1e-9 * max(1.0, s[0])).sum())]
        solution, *_ = linalg.lstsq(a, values[known])
    else:
        basis = np.zeros((0, forms.shape[1]))
        solution = np.zeros(forms.shape[1])
    out = []
    for t in targets:
        f = forms[t]
        if basis.size and np.abs(f - basis.T @ (basis @ f)).max() < 1e-7:
            out.append(float(f @ solution))
        else:
            out.append(None)
    return out


def _recovered(cells: pd.DataFrame, guesses: dict[int, float], threshold: int) -> set[Key]:
    found = set()
    for index, guess in guesses.items():
        row = cells.loc[index]
        if guess is not None and abs(guess - row["truth"]) < 1e-6 and \
                _small(row["truth"], threshold):
            found.add((row["indicator_id"], row["role"], row["period_end"], row["locality"],
                       row["agency"]))
    return found


def _one_line(cells: pd.DataFrame, by: list[str], total_column: str, threshold: int):
    found = set()
    for _, line in cells.groupby(by, sort=False):
        hidden = line[~line["seen"]]
        if len(hidden) != 1 or len(line) < 2:
            continue
        total = line[line[total_column] == "All"]
        parts = line[line[total_column] != "All"]
        if total.empty:
            continue
        (index,) = hidden.index
        if index in total.index:
            guess = parts["truth"].sum()
        else:
            guess = total["truth"].iloc[0] - parts.loc[parts.index != index, "truth"].sum()
        found |= _recovered(line, {index: guess}, threshold)
    return found


def across_localities(cells: pd.DataFrame, threshold: int = 5) -> set[Key]:
    return _one_line(cells, ["indicator_id", "role", "period_end", "agency"], "locality",
                     threshold)


def across_agencies(cells: pd.DataFrame, threshold: int = 5) -> set[Key]:
    with_agencies = cells.groupby(["indicator_id"])["agency"].transform("nunique") > 1
    return _one_line(cells[with_agencies], ["indicator_id", "role", "period_end", "locality"],
                     "agency", threshold)


def _table_forms(localities: np.ndarray, agencies: np.ndarray) -> np.ndarray:
    """Each published cell of one table as a sum of its inner (locality x agency) cells."""
    inner_localities = np.array(sorted(set(localities) - {"All"}))
    inner_agencies = np.array(sorted(set(agencies) - {"All"}) or ["All"])
    loc_match = (localities[:, None] == "All") | (localities[:, None] == inner_localities)
    ag_match = (agencies[:, None] == "All") | (agencies[:, None] == inner_agencies)
    return (loc_match[:, :, None] & ag_match[:, None, :]).reshape(len(localities), -1
                                                                  ).astype(float)


def _tables(cells: pd.DataFrame):
    """(row labels, localities, agencies, truth, seen) of each table with a hidden cell."""
    locality, agency = cells["locality"].to_numpy(), cells["agency"].to_numpy()
    truth, seen = cells["truth"].to_numpy(float), cells["seen"].to_numpy(bool)
    labels = cells.index.to_numpy()
    for rows in cells.groupby(["indicator_id", "role", "period_end"], sort=False
                              ).indices.values():
        if not seen[rows].all():
            yield labels[rows], locality[rows], agency[rows], truth[rows], seen[rows]


def _table_guesses(localities, agencies, truth, seen) -> dict[int, float]:
    """position -> value of each hidden cell of one table that the visible ones determine."""
    targets = np.nonzero(~seen)[0]
    guesses = _solve(_table_forms(localities, agencies), seen, truth, targets)
    return {t: g for t, g in zip(targets, guesses, strict=True) if g is not None}


def within_tables(cells: pd.DataFrame, threshold: int = 5) -> set[Key]:
    """Each (indicator, role, period) table solved exactly: unknowns are the inner cells."""
    found = set()
    for labels, localities, agencies, truth, seen in _tables(cells):
        for t, guess in _table_guesses(localities, agencies, truth, seen).items():
            if abs(guess - truth[t]) < 1e-6 and _small(truth[t], threshold):
                row = cells.loc[labels[t]]
                found.add((row["indicator_id"], row["role"], row["period_end"],
                           row["locality"], row["agency"]))
    return found


def shared_counts(cells: pd.DataFrame, threshold: int = 5) -> set[Key]:
    """A hidden cell read off another series that agrees with its own wherever both show."""
    keys = ["period_end", "locality", "agency"]
    cells = cells.assign(series=cells["indicator_id"] + ":" + cells["role"])
    both = cells.merge(cells, on=keys, suffixes=("", "_other"))
    both = both[both["series"] != both["series_other"]]
    shown = both[both["seen"] & both["seen_other"]]
    agree = shown.assign(same=shown["truth"] == shown["truth_other"],
                         nonzero=shown["truth"] != 0).groupby(
        ["series", "series_other"]).agg(all=("same", "all"), nonzero=("nonzero", "sum"))
    twins = set(agree[(agree["all"]) & (agree["nonzero"] >= TWIN_EVIDENCE)].index)
    found = set()
    leak = both[~both["seen"] & both["seen_other"]]
    for row in leak.itertuples():
        if (row.series, row.series_other) in twins and row.truth_other == row.truth and \
                _small(row.truth, threshold):
            found.add((row.indicator_id, row.role, row.period_end, row.locality, row.agency))
    return found


def across_time(cells: pd.DataFrame, monthly: pd.DataFrame, threshold: int = 5,
                quarterly: pd.DataFrame | None = None) -> set[Key]:
    """The partnership's rolling totals and monthly series of each rolling indicator solved
    together. ``monthly``: indicator_id, role, period_end, truth, seen (the month's own
    count; a shown percentage point counts as showing its numerator and denominator).
    ``quarterly`` (the same columns, period_end the quarter's last month): each quarter's
    own figure, the sum of its three months, solved with them (issue 22)."""
    found = set()
    partnership = cells[(cells["locality"] == "All") & (cells["agency"] == "All")]
    quarters_of = (dict(list(quarterly.groupby(["indicator_id", "role"])))
                   if quarterly is not None else {})
    for (indicator_id, role), months in monthly.groupby(["indicator_id", "role"]):
        rolling = partnership[(partnership["indicator_id"] == indicator_id) &
                              (partnership["role"] == role)]
        if rolling.empty:
            continue
        quarters = quarters_of.get((indicator_id, role), months.iloc[0:0])
        found |= _solve_spans(indicator_id, role, [(rolling, 12, "All"), (months, 1, "month"),
                                                   (quarters, 3, "quarter")], threshold)
    return found


def snapshot_quarters(cells: pd.DataFrame, quarterly: pd.DataFrame, snapshots: set[str],
                      threshold: int = 5) -> set[Key]:
    """A month-end snapshot's quarters (the sum of its three month ends) solved with its
    published partnership figures, which are its months."""
    found = set()
    partnership = cells[(cells["locality"] == "All") & (cells["agency"] == "All")]
    for (indicator_id, role), quarters in quarterly.groupby(["indicator_id", "role"]):
        if indicator_id not in snapshots:
            continue
        months = partnership[(partnership["indicator_id"] == indicator_id) &
                             (partnership["role"] == role)]
        found |= _solve_spans(indicator_id, role, [(months, 1, "All"),
                                                   (quarters, 3, "quarter")], threshold)
    return found


def _solve_spans(indicator_id: str, role: str, parts: list, threshold: int) -> set[Key]:
    """Each part (figures, span in months, name): every figure the sum of the ``span``
    months to its period_end; the hidden small figures the visible ones determine."""
    parts = [(frame, span, name) for frame, span, name in parts if len(frame)]
    index = [_months(frame["period_end"]) for frame, _, _ in parts]
    first = min(int(i.min()) - span + 1 for i, (_, span, _) in zip(index, parts, strict=True))
    width = max(int(i.max()) for i in index) - first + 1
    forms = np.zeros((sum(len(i) for i in index), width))
    row = 0
    for i, (_, span, _) in zip(index, parts, strict=True):
        for t in i:
            forms[row, t - span + 1 - first:t - first + 1] = 1
            row += 1
    truth = np.concatenate([frame["truth"].to_numpy(float) for frame, _, _ in parts])
    seen = np.concatenate([frame["seen"].to_numpy(bool) for frame, _, _ in parts])
    periods = pd.concat([frame["period_end"] for frame, _, _ in parts], ignore_index=True)
    names = [name for frame, _, name in parts for _ in range(len(frame))]
    targets = np.nonzero(~seen)[0]
    found = set()
    for t, guess in zip(targets, _solve(forms, seen, truth, targets), strict=True):
        if guess is not None and abs(guess - truth[t]) < 1e-6 and _small(truth[t], threshold):
            found.add((indicator_id, role, periods.iloc[t], names[t], "All"))
    return found


def quarterly_cells(quarterly: pd.DataFrame, units: dict[str, str],
                    hidden_column: str = "suppressed") -> pd.DataFrame:
    """indicator_quarterly in long form (numerator and, for percentages, denominator)."""
    frames = [pd.DataFrame({"indicator_id": quarterly["indicator_id"], "role": "n",
                            "period_end": pd.to_datetime(quarterly["period_end"]).dt.date,
                            "truth": quarterly["numerator"].astype(float),
                            "seen": ~quarterly[hidden_column].astype(bool)})]
    percent = quarterly[quarterly["indicator_id"].map(units) == "percent"]
    frames.append(pd.DataFrame({"indicator_id": percent["indicator_id"], "role": "d",
                                "period_end": pd.to_datetime(percent["period_end"]).dt.date,
                                "truth": percent["denominator"].astype(float),
                                "seen": ~percent[hidden_column].astype(bool)}))
    return pd.concat(frames, ignore_index=True)


def _months(dates: pd.Series) -> np.ndarray:
    d = pd.to_datetime(dates)
    return (d.dt.year * 12 + d.dt.month).to_numpy()


def monthly_cells(monthly: pd.DataFrame, units: dict[str, str],
                  hidden_column: str = "suppressed") -> pd.DataFrame:
    """indicator_monthly's in-month rows in long form (numerator and, for percentages,
    denominator), ``seen`` unless hidden."""
    rows = monthly[monthly["series"] == "in_month"]
    frames = [pd.DataFrame({"indicator_id": rows["indicator_id"], "role": "n",
                            "period_end": pd.to_datetime(rows["period_end"]).dt.date,
                            "truth": rows["numerator"].astype(float),
                            "seen": ~rows[hidden_column].astype(bool)})]
    percent = rows[rows["indicator_id"].map(units) == "percent"]
    frames.append(pd.DataFrame({"indicator_id": percent["indicator_id"], "role": "d",
                                "period_end": pd.to_datetime(percent["period_end"]).dt.date,
                                "truth": percent["denominator"].astype(float),
                                "seen": ~percent[hidden_column].astype(bool)}))
    return pd.concat(frames, ignore_index=True)


def every_attack(cells: pd.DataFrame, monthly: pd.DataFrame | None = None,
                 threshold: int = 5) -> dict[str, set[Key]]:
    out = {
        "across_localities": across_localities(cells, threshold),
        "across_agencies": across_agencies(cells, threshold),
        "within_tables": within_tables(cells, threshold),
        "shared_counts": shared_counts(cells, threshold),
    }
    if monthly is not None:
        out["across_time"] = across_time(cells, monthly, threshold)
    return out


def combined(cells: pd.DataFrame, monthly: pd.DataFrame | None = None,
             threshold: int = 5, known_twins: list[tuple[str, str]] = ()) -> set[Key]:
    """Every route at once, to a fixed point: whatever one route recovers (whether small
    or not) is treated as seen by the others, until nothing more comes out.
    ``known_twins``: series ('x:n', 'p:d') the attacker knows to be one count from the
    published definitions, however few figures show it."""
    cells = cells.copy()
    recovered_small: set[Key] = set()
    while True:
        before = int(cells["seen"].sum())
        # a twin series' visible cell shows this one's
        series = cells["indicator_id"] + ":" + cells["role"]
        twins = _twins(cells.assign(series=series), known_twins)
        if twins:
            key = cells[["period_end", "locality", "agency"]].astype(str).agg("|".join, axis=1)
            family = series.map(lambda s, twins=twins: twins.get(s, s))
            # read off a twin only where the twin's figure is this one's (a right guess)
            shown = cells.assign(family=family, key=key)
            shown_values = shown[shown["seen"]].groupby(["family", "key"])["truth"].agg(set)
            lookup = shown_values.to_dict()
            cells["seen"] = [seen or truth in lookup.get((f, k), ()) for seen, truth, f, k in
                             zip(cells["seen"], cells["truth"], family, key, strict=True)]
        for route in (_solved_tables,):
            cells["seen"] = route(cells) | cells["seen"]
        if int(cells["seen"].sum()) == before:
            break
    small = cells[cells["truth"].between(1, threshold)]
    for row in small[small["seen"]].itertuples():
        recovered_small.add((row.indicator_id, row.role, row.period_end, row.locality,
                             row.agency))
    return recovered_small


def _twins(cells: pd.DataFrame, known: list[tuple[str, str]] = ()) -> dict[str, str]:
    keys = ["period_end", "locality", "agency"]
    both = cells.merge(cells, on=keys, suffixes=("", "_other"))
    both = both[(both["series"] < both["series_other"]) & both["seen"] & both["seen_other"]]
    agree = both.assign(same=both["truth"] == both["truth_other"],
                        nonzero=both["truth"] != 0).groupby(
        ["series", "series_other"]).agg(all=("same", "all"), nonzero=("nonzero", "sum"))
    parent: dict[str, str] = {}

    def find(x):
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    # the same count, not a coincidence of small numbers: equal wherever both show, on
    # at least TWIN_EVIDENCE non-zero figures
    evident = agree[(agree["all"]) & (agree["nonzero"] >= TWIN_EVIDENCE)].index
    for a, b in [*evident, *known]:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {s: find(s) for s in set(parent) | set(parent.values())}


def _solved_tables(cells: pd.DataFrame) -> pd.Series:
    """Cells whose value the exact table solve determines (whatever their size)."""
    determined = pd.Series(False, index=cells.index)
    for labels, localities, agencies, truth, seen in _tables(cells):
        for t, guess in _table_guesses(localities, agencies, truth, seen).items():
            if abs(guess - truth[t]) < 1e-6:
                determined[labels[t]] = True
    return determined


def champion_view(cells: pd.DataFrame, agency: str) -> pd.DataFrame:
    """What the champion of ``agency`` sees: the restricted view plus their own agency."""
    return cells.assign(seen=cells["seen"] | (cells["agency"] == agency))


def breakdown_cells(breakdowns: pd.DataFrame, hidden_column: str = "hidden") -> pd.DataFrame:
    """indicator_breakdowns in the attacks' long form: a dimension stands where a locality
    does and its categories where agencies do (``All`` is the partnership's figure), so
    ``across_agencies`` is All minus the other categories and ``shared_counts`` pairs the
    breakdowns of two indicators that publish one count."""
    return series_cells(breakdowns.rename(columns={"dimension": "locality",
                                                   "category": "agency"}), hidden_column)


def joint_lp(con, threshold: int = 5) -> dict[str, dict[str, int]]:
    """The joint LP over everything each audience sees (issue 25), on a published database:
    per audience, its hidden cells, the relations used, the hidden cells recovered exactly
    (the interval is one value) and the hidden small cells bounded within 1..threshold.
    The relations are derived from the tables and the catalogue as they stand, and the
    flags are the ones written (not the build's); each hidden cell's interval comes from
    HiGHS (metrics.disclosure_audit's solver: a feasible point bounds many cells at once,
    the rest are minimised and maximised one by one)."""
    from metrics.disclosure_audit import Published, Solver

    p = Published(con, threshold)
    solver = Solver(p)
    out = {}
    for name, agencies in p.audiences():
        hidden = ~p.visible(agencies)
        found, _ = solver.audit(hidden)
        truth = p.cells["truth"].to_numpy()
        recovered = bounded = 0
        for cid, (lo, hi) in found.items():
            lo, hi = np.ceil(lo - 1e-6), np.floor(hi + 1e-6)
            if lo == hi:
                recovered += 1
            elif 1 <= truth[cid] <= threshold and 1 <= lo and hi <= threshold:
                bounded += 1
        out[name] = {"hidden": int((hidden & ~p.cells["latent"].to_numpy()).sum()),
                     "relations": len(p.sense), "recovered": recovered,
                     "bounded_small": bounded}
    return out
