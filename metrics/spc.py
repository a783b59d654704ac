"""Statistical process control: NHS England "Making Data Count" XmR charts.

A port of the rules in NHSRplotthedots v0.2.x (``ptd_spc_standard``,
``ptd_calculate_point_type``, ``ptd_calculate_assurance_type``), so our charts
and icons agree with the tools NHS and council analysts already use:

- limits: mean ± 2.66 × mean moving range; moving ranges ≥ 3.267 × the mean
  moving range are screened out first (``screen_outliers=False`` matches the
  MDC Excel tool, which does not screen);
- signals, in order of precedence when labelling a point: a point outside the
  limits (strict); 7 points each strictly higher (lower) than the one before;
  2 of 3 consecutive points beyond 2 sigma but inside the limits, all 3 on one
  side of the mean (only the close points are flagged); 7 points on one side of
  the mean (a point on the mean breaks the run);
- the variation icon follows the last point, the assurance icon compares the
  target with the last limits.

Where we differ, on purpose: NULL values are dropped before anything is
computed (moving ranges join the neighbouring non-NULL values); a mean moving
range of 0 (a constant series) gives no signals and no assurance icon, with a
note, instead of NaN limits. One series at a time (no facets); ``fix_after_n_points``
and ``rebase_at`` as in the package.

``build_spc_table`` runs this for every monthly indicator (locality and agency
``All``) on its SPC series — ``indicator_monthly``: a rolling indicator's in-month values,
never the rolling figure, whose neighbours share 11 of 12 months; a month-end snapshot
as it is — and writes the ``spc`` table that the dashboard reads, so the chart and the
icon summary come from one computation and cannot disagree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

LIMIT = 2.66  # 3 sigma in mean moving ranges (3 / d2, d2 = 1.128)
LIMIT_CLOSE = 2 * LIMIT / 3  # 2 sigma: the "close to the limits" band
SCREEN = 3.267  # moving ranges at or above this × mean are outliers (D4 for n = 2)
RUN_LENGTH = 7  # points in a trend or a shift
TRIAL_THRESHOLD = 13  # fewer points than this: "trial limits" (NHSRplotthedots' warning_threshold)

IMPROVEMENTS = ("increase", "decrease", "neutral")
POLARITY_TO_IMPROVEMENT = {"higher": "increase", "lower": "decrease", "context": "neutral"}

# A value this close to the mean (relative) sits *on* the mean: float noise must not
# decide which side a point falls (0.1, 0.2, 0.3 has mean 0.2, not 0.20000000000000004).
_ON_MEAN_TOLERANCE = 1e-9

POINT_COLUMNS = [
    "value",
    "mean",
    "lpl",
    "upl",
    "lower_2s",
    "upper_2s",
    "moving_range",
    "relative_to_mean",
    "outside_limits",
    "close_to_limits",
    "point_label",
    "point_type",
]

SPC_TABLE_COLUMNS: list[tuple[str, str]] = [
    ("indicator_id", "VARCHAR"),
    ("period_end", "DATE"),
    ("value", "DOUBLE"),
    ("mean", "DOUBLE"),
    ("lpl", "DOUBLE"),
    ("upl", "DOUBLE"),
    ("lower_2s", "DOUBLE"),
    ("upper_2s", "DOUBLE"),
    ("point_label", "VARCHAR"),
    ("point_type", "VARCHAR"),
    ("variation", "VARCHAR"),
    ("assurance", "VARCHAR"),
    ("trial_limits", "BOOLEAN"),
    ("note", "VARCHAR"),
    ("improvement", "VARCHAR"),
    ("target", "DOUBLE"),
    ("series", "VARCHAR"),  # in_month | snapshot (indicator_monthly)
    ("suppressed", "BOOLEAN"),  # the month's value is hidden from restricted viewers
    ("baseline_kind", "VARCHAR"),  # fix | rebase, on the month a baseline starts
    ("baseline_label", "VARCHAR"),  # the words on the chart's vertical line
    ("baseline_reason", "VARCHAR"),  # why: on hover and in the table
]

BASELINE_POINTS = 12  # months before a fixed baseline charted at least (the package's minimum)


@dataclass(frozen=True)
class Baseline:
    kind: str  # "fix" or "rebase"
    month: pd.Timestamp  # the first month judged against (fix) or rebuilt from (rebase)
    label: str
    reason: str | None


def _table_columns(con, table: str) -> set[str]:
    return {r[0] for r in con.execute(
        "select column_name from duckdb_columns() where table_name = ? "
        "and schema_name = current_schema() and database_name = current_database()",
        [table]).fetchall()}


def read_baselines(con) -> dict[str, list[Baseline]]:
    """Each indicator's known changes: seeds/spc_baselines.csv (an id or * for all), and by
    default a fix at the launch of the earliest strategy that tracks it."""
    found: dict[str, list[Baseline]] = {}
    catalogue = [r[0] for r in con.execute(
        "select indicator_id from indicator_catalogue where lower(frequency) = 'monthly'"
    ).fetchall()]
    if {"indicator_id", "kind", "month"} <= _table_columns(con, "seed_spc_baselines"):
        rows = con.execute("select indicator_id, lower(kind), month, label, reason "
                           "from seed_spc_baselines order by month").fetchall()
        for ident, kind, month, label, reason in rows:
            for target in (catalogue if ident == "*" else [ident]):
                found.setdefault(target, []).append(Baseline(
                    kind, pd.Timestamp(month).to_period("M").to_timestamp("M"), label or kind,
                    reason))
    if {"indicator_id", "launch_date"} <= _table_columns(con, "seed_strategies"):
        launches = con.execute(
            "select indicator_id, arg_min(strategy, launch_date), min(launch_date) "
            "from seed_strategies where launch_date is not null and indicator_id is not null "
            "group by 1").fetchall()
        for ident, strategy, launch in launches:
            if any(b.kind == "fix" for b in found.get(ident, [])):
                continue  # an explicit fixed baseline wins
            found.setdefault(ident, []).append(Baseline(
                "fix", pd.Timestamp(launch).to_period("M").to_timestamp("M"),
                f"{strategy} strategy launch",
                f"Limits worked out on the months before the {strategy} neglect strategy "
                f"began ({pd.Timestamp(launch):%B %Y}); the months since are judged against "
                "them."))
    return {k: sorted(v, key=lambda b: b.month) for k, v in found.items()}


@dataclass(frozen=True)
class SpcResult:
    """One XmR chart: a row per input value (NULLs kept, unlabelled) and the icons."""

    points: pd.DataFrame
    variation: str | None  # common_cause, improvement_high/low, concern_high/low, neutral_high/low
    assurance: str | None  # consistent_pass, consistent_fail, inconsistent; None without a target
    trial_limits: bool  # fewer than 13 values: limits are provisional
    note: str | None  # plain-language caveats for the reader
    mean: float | None
    lpl: float | None
    upl: float | None


# --- the rules, each on the non-NULL values as numpy arrays -------------------


def _runs_ending(flags: np.ndarray, length: int) -> np.ndarray:
    """True at i when flags[i - length + 1 .. i] are all true."""
    if len(flags) < length:
        return np.zeros(len(flags), dtype=bool)
    windows = np.lib.stride_tricks.sliding_window_view(flags, length)
    return np.concatenate([np.zeros(length - 1, dtype=bool), windows.all(axis=1)])


def _part_of_run(ends: np.ndarray, length: int = RUN_LENGTH) -> np.ndarray:
    """True for every point of a run whose last point is marked in ``ends``."""
    padded = np.concatenate([ends, np.zeros(length - 1, dtype=bool)])
    return np.lib.stride_tricks.sliding_window_view(padded, length).any(axis=1)


def _trend(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points in a run of 7 strictly rising or falling values, and each point's direction."""
    step = np.sign(np.diff(y))
    # a run of 7 points is 6 steps of one sign; a tie (step 0) breaks it.
    # Step m goes from point m to point m + 1, so a run of steps ending at m ends at point m + 1.
    runs = _runs_ending(step > 0, RUN_LENGTH - 1) | _runs_ending(step < 0, RUN_LENGTH - 1)
    part = _part_of_run(np.concatenate([[False], runs]))
    # as NHSRplotthedots: a point whose next point is also in a trend takes the step
    # to its right (so the peak between a rise and a fall belongs to the fall),
    # otherwise the step from its left (a flat step there reads "Decreasing", as in R)
    right = np.concatenate([step, step[-1:]])
    left = np.concatenate([[0.0], step])
    next_part = np.concatenate([part[1:], [False]])
    return part, np.where(part & next_part, right, left)


def _two_in_three(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Close points in a window of 3 with 2+ close points, all 3 on one side of the mean."""
    n = len(close)
    if n < 3:
        return np.zeros(n, dtype=bool)
    windows = np.lib.stride_tricks.sliding_window_view
    close_count = windows(close.astype(int), 3).sum(axis=1)
    side_sum = windows(side, 3).sum(axis=1)
    hit = (close_count >= 2) & (np.abs(side_sum) == 3)  # hit[k] covers points k, k+1, k+2
    # point j lies in the windows k = j - 2, j - 1, j
    padded = np.concatenate([[False, False], hit, [False, False]])
    in_hit = windows(padded, 3).any(axis=1)
    return in_hit & close


def _shift(side: np.ndarray) -> np.ndarray:
    """Points in a run of 7 on the same side of the mean (a point on the mean breaks it)."""
    ends = _runs_ending(side > 0, RUN_LENGTH) | _runs_ending(side < 0, RUN_LENGTH)
    return _part_of_run(ends)


def _labels(
    side: np.ndarray,
    outside: np.ndarray,
    trend: np.ndarray,
    trend_direction: np.ndarray,
    two_in_three: np.ndarray,
    shift: np.ndarray,
) -> np.ndarray:
    above = np.where(side > 0, "Above", "Below")
    return np.select(
        [outside, trend, two_in_three, shift],
        [
            np.where(side > 0, "Above UCL", "Below LCL"),
            np.where(
                trend_direction > 0, "7 Point Trend (Increasing)", "7 Point Trend (Decreasing)"
            ),
            np.char.add(np.char.add("2 in 3 ", above), " CL"),
            np.char.add(np.char.add("7 Points ", above), " CL"),
        ],
        default="Common Cause",
    )


def point_type(label: str | None, improvement: str) -> str | None:
    """Map a point label to special_cause_improvement / _concern / _neutral_high|low / common_cause."""
    if label is None:
        return None
    high = "Above" in label or "Increasing" in label
    low = "Below" in label or "Decreasing" in label
    if not (high or low):
        return "common_cause"
    if improvement == "neutral":
        return "special_cause_neutral_high" if high else "special_cause_neutral_low"
    good = high if improvement == "increase" else low
    return "special_cause_improvement" if good else "special_cause_concern"


def variation_icon(last_point_type: str | None, improvement: str) -> str | None:
    """The MDC variation icon for the last point's type."""
    if last_point_type is None:
        return None
    if last_point_type == "common_cause":
        return "common_cause"
    if last_point_type.startswith("special_cause_neutral_"):
        return last_point_type.removeprefix("special_cause_")
    high_is_good = improvement == "increase"
    if last_point_type == "special_cause_improvement":
        return "improvement_high" if high_is_good else "improvement_low"
    return "concern_low" if high_is_good else "concern_high"


def assurance_icon(
    target: float | None, lpl: float | None, upl: float | None, improvement: str
) -> str | None:
    """Will the process consistently hit the target? Needs a target and a direction."""
    if target is None or improvement == "neutral" or lpl is None or upl is None:
        return None
    increasing = improvement == "increase"
    if target > upl:
        return "consistent_fail" if increasing else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if increasing else "consistent_fail"
    return "inconsistent"


# --- the chart ----------------------------------------------------------------


def _is_missing(v) -> bool:
    return v is None or bool(pd.isna(v))


def xmr(
    values: Sequence[float | None],
    improvement: str = "neutral",
    target: float | None = None,
    screen_outliers: bool = True,
    fix_after_n_points: int | None | Sequence[int | None] = None,
    rebase_at: Sequence[int] = (),
) -> SpcResult:
    """XmR chart of ``values`` (in time order) with Making Data Count signals and icons.

    ``improvement`` is ``increase`` (higher is better), ``decrease`` or ``neutral``.
    NULL / NaN values are skipped: their rows come back with no label.

    As NHSRplotthedots: ``rebase_at`` (positions in ``values``) start new groups, each with
    limits of its own and rules that do not run across a rebase; ``fix_after_n_points``
    works the mean and limits of each group out from its first n rows only, and judges
    the rows after them against those (fixed) limits (one n per group may be given).
    """
    if improvement not in IMPROVEMENTS:
        raise ValueError(f"improvement must be one of {IMPROVEMENTS}, not {improvement!r}")
    if target is not None and _is_missing(target):
        target = None
    raw = [None if _is_missing(v) else float(v) for v in values]
    points = pd.DataFrame(
        {"value": pd.array([np.nan if v is None else v for v in raw], dtype="float64")}
    )
    for col in POINT_COLUMNS[1:8]:
        points[col] = np.nan
    points["outside_limits"] = pd.array([pd.NA] * len(raw), dtype="boolean")
    points["close_to_limits"] = pd.array([pd.NA] * len(raw), dtype="boolean")
    points["point_label"] = pd.Series([None] * len(raw), dtype=object)
    points["point_type"] = pd.Series([None] * len(raw), dtype=object)

    cuts = sorted({int(i) for i in rebase_at if 0 < int(i) < len(raw)})
    bounds = list(zip([0, *cuts], [*cuts, len(raw)], strict=True))
    notes: list[str] = []
    last: _Group | None = None
    types: list[str] = []
    trial = False
    fixes = (list(fix_after_n_points) if isinstance(fix_after_n_points, (list, tuple))
             else [fix_after_n_points] * len(bounds))
    for (start, stop), fix in zip(bounds, fixes, strict=True):
        group = _group(raw[start:stop], improvement, screen_outliers, fix)
        rows = points.index[start:stop]
        group.write(points, rows)
        types += [t for t in group.types if t is not None]
        trial = trial or group.trial
        notes += [n for n in group.notes if n not in notes]
        if group.n:
            last = group
    if last is None or last.n < 2:
        n_values = 0 if last is None else last.n
        if not notes:
            notes.append("No process limits: at least 2 values are needed." if n_values
                         else "No values to chart.")
        mean = last.mean if last is not None else None
        return SpcResult(points, None, None, trial, " ".join(notes), mean, None, None)
    variation = variation_icon(types[-1], improvement) if types else None
    assurance = None if last.degenerate else assurance_icon(target, last.lpl, last.upl,
                                                            improvement)
    return SpcResult(
        points=points,
        variation=variation,
        assurance=assurance,
        trial_limits=trial,
        note=" ".join(notes) or None,
        mean=last.mean,
        lpl=last.lpl,
        upl=last.upl,
    )


@dataclass
class _Group:
    """One rebase group's limits and labels, over its non-NULL values."""

    present: np.ndarray
    n: int
    mean: float | None = None
    lpl: float | None = None
    upl: float | None = None
    lower_2s: float | None = None
    upper_2s: float | None = None
    moving_range: np.ndarray | None = None
    side: np.ndarray | None = None
    outside: np.ndarray | None = None
    close: np.ndarray | None = None
    labels: np.ndarray | None = None
    types: list | None = None
    degenerate: bool = False
    trial: bool = False
    notes: list | None = None

    def write(self, points: pd.DataFrame, rows) -> None:
        at = rows[self.present]
        if self.n == 0:
            return
        if self.mean is not None:
            points.loc[rows, "mean"] = self.mean  # NULL rows get the limits too, for drawing
        if self.lpl is None:
            return
        for col, limit in (("lpl", self.lpl), ("upl", self.upl), ("lower_2s", self.lower_2s),
                           ("upper_2s", self.upper_2s)):
            points.loc[rows, col] = limit
        points.loc[at, "moving_range"] = self.moving_range
        points.loc[at, "relative_to_mean"] = self.side
        points.loc[at, "outside_limits"] = self.outside
        points.loc[at, "close_to_limits"] = self.close
        points.loc[at, "point_label"] = np.array([str(x) for x in self.labels], dtype=object)
        points.loc[at, "point_type"] = np.array(self.types, dtype=object)


def _group(raw: list, improvement: str, screen_outliers: bool,
           fix_after_n_points: int | None) -> _Group:
    present = np.array([v is not None for v in raw], dtype=bool)
    y = np.array([v for v in raw if v is not None], dtype=float)
    n = len(y)
    group = _Group(present=present, n=n, notes=[], types=[None] * n)
    # the baseline: the group's first n rows (NULL rows count, as row_number() does in R)
    in_baseline = np.arange(len(raw)) < (fix_after_n_points or len(raw))
    base = np.array([v for v, b in zip(raw, in_baseline, strict=True)
                     if v is not None and b], dtype=float)
    group.trial = len(base) < TRIAL_THRESHOLD
    if n == 0:
        return group
    if len(base) < 2:
        group.mean = float(base[0]) if len(base) else None
        group.notes.append("No process limits: at least 2 values are needed.")
        return group

    mean = math.fsum(base) / len(base)  # exactly rounded sum, as close to R's mean() as we can get
    base_ranges = np.abs(np.diff(base))
    amr = float(base_ranges.mean())
    constant = amr == 0
    if screen_outliers and not constant:
        kept = base_ranges[base_ranges < SCREEN * amr]
        amr = float(kept.mean())  # never empty: not every range can be ≥ 3.267 × their mean
    degenerate = bool(amr == 0)
    lpl, upl = mean - LIMIT * amr, mean + LIMIT * amr
    lower_2s, upper_2s = mean - LIMIT_CLOSE * amr, mean + LIMIT_CLOSE * amr

    side = np.sign(y - mean)
    side[np.abs(y - mean) <= _ON_MEAN_TOLERANCE * max(1.0, abs(mean))] = 0
    if degenerate:
        # zero-width limits would call every point outside them: no signals at all
        outside = np.zeros(n, dtype=bool)
        close = np.zeros(n, dtype=bool)
        labels = np.full(n, "Common Cause", dtype=object)
        group.notes.append(
            "Every value is the same, so there is no variation to chart."
            if constant
            else "The moving ranges are all zero once outliers are screened out, "
            "so the process limits have no width; no signals are shown."
        )
    else:
        outside = (y > upl) | (y < lpl)
        close = ~outside & ((y < lower_2s) | (y > upper_2s))
        trend, trend_direction = _trend(y)
        labels = _labels(
            side, outside, trend, trend_direction, _two_in_three(close, side), _shift(side)
        )
    if group.trial:
        group.notes.append(
            f"Trial limits: only {len(base)} values (13 or more give stable limits); "
            "read signals with care."
        )
    group.mean, group.lpl, group.upl = mean, lpl, upl
    group.lower_2s, group.upper_2s = lower_2s, upper_2s
    group.moving_range = np.concatenate([[np.nan], np.abs(np.diff(y))])
    group.side, group.outside, group.close, group.labels = side, outside, close, labels
    group.types = [point_type(str(label), improvement) for label in labels]
    group.degenerate = degenerate
    return group


# --- the published table ------------------------------------------------------


# Integrated performance reports chart the latest 24-36 months: the early months of a
# partnership's extracts ramp up (no look-back before the first record), and a long
# smooth rolling series would otherwise drag the mean and flag the whole present as a shift.
SPC_MONTHS = 36


def _series_query(con) -> str:
    has_targets = con.execute(
        "select count(*) from information_schema.tables where table_name = 'seed_targets'"
    ).fetchall()[0][0]
    targets = (
        "select indicator_id, min(target) as target from seed_targets group by indicator_id"
        if has_targets
        else "select null::varchar as indicator_id, null::double as target where false"
    )
    return f"""
        with catalogue as (
            select indicator_id, polarity
            from indicator_catalogue
            where lower(frequency) = 'monthly'
        ),

        targets as ({targets}),

        final as (
            select
                m.indicator_id,
                m.period_end,
                m.value,
                m.series,
                m.suppressed,
                c.polarity,
                t.target
            from indicator_monthly as m
            inner join catalogue as c using (indicator_id)
            left join targets as t using (indicator_id)
        )

        select * from final order by indicator_id, period_end
    """


def xmr_with_baselines(values: Sequence[float | None], kinds: Sequence[str | None],
                       improvement: str, target: float | None = None) -> SpcResult:
    """``xmr`` with the baselines marked on the rows where they start (``kinds[i]`` holds
    "fix" and/or "rebase"): a rebase starts a new group; a fix holds the limits of its group
    from that row on. The published chart and a viewer's recomputation (suppressed months
    left out) use this one reading."""
    marks = [str(k or "") for k in kinds]
    rebase_at = [i for i, k in enumerate(marks) if "rebase" in k and i > 0]
    group_starts = [0, *rebase_at]
    fixes: list[int | None] = [None] * len(group_starts)
    for i, k in enumerate(marks):
        if "fix" in k:
            g = max(j for j, start in enumerate(group_starts) if start <= i)
            fixes[g] = i - group_starts[g] if i > group_starts[g] else None
    return xmr(values, improvement=improvement, target=target, fix_after_n_points=fixes,
               rebase_at=rebase_at)


def _window(series: pd.DataFrame, baselines: list[Baseline], months: int) -> pd.DataFrame:
    """The latest ``months`` points, reaching further back when a fixed baseline needs its
    12 months before the fix (limits must be worked out on months the chart shows)."""
    start = len(series) - months
    for b in baselines:
        if b.kind == "fix":
            before = int((series["period_end"] < b.month).sum())
            start = min(start, before - BASELINE_POINTS)
    return series.iloc[max(start, 0):].reset_index(drop=True)


def _chart_rows(indicator_id: str, series: pd.DataFrame, baselines: list[Baseline],
                months: int | None, fix_needs: int = 0) -> pd.DataFrame:
    """One indicator's published chart rows (``spc`` or ``spc_quarterly``).

    ``series``: period_end, value (NULL: left out of the limits), polarity, target, series,
    suppressed, and optionally ``period_start`` (a quarter's first day; else each row is a
    month). ``months``: chart the latest ``months`` rows (None: every row). A baseline
    starts at the first row that starts in or after its month; a fix is dropped when fewer
    than ``fix_needs`` values come before it (the limits then use every row)."""
    series = series.reset_index(drop=True)
    if months is not None:
        series = _window(series, baselines, months)
    polarity = series["polarity"].iloc[0]
    improvement = POLARITY_TO_IMPROVEMENT.get(str(polarity).lower(), "neutral")
    target = series["target"].iloc[0]
    target = None if pd.isna(target) else float(target)
    if "period_start" in series:
        starts = pd.to_datetime(series["period_start"])
        position = {b: int((starts < b.month.to_period("M").to_timestamp()).sum())
                    for b in baselines}
    else:
        ends = pd.to_datetime(series["period_end"])
        position = {b: int((ends < b.month).sum()) for b in baselines}
    # a change before the charted months or after the last one changes nothing drawn
    shown = [b for b in baselines if 0 < position[b] < len(series)
             and not (b.kind == "fix" and fix_needs
                      and int(series["value"].iloc[:position[b]].notna().sum()) < fix_needs)]
    kinds: list[str | None] = [None] * len(series)
    for b in shown:
        at = position[b]
        kinds[at] = b.kind if not kinds[at] else f"{kinds[at]}; {b.kind}"
    result = xmr_with_baselines(series["value"].tolist(), kinds, improvement, target)
    rows = result.points[
        ["value", "mean", "lpl", "upl", "lower_2s", "upper_2s", "point_label", "point_type"]
    ].copy()
    rows.insert(0, "period_end", series["period_end"].to_numpy())
    rows.insert(0, "indicator_id", indicator_id)
    rows["variation"] = result.variation
    rows["assurance"] = result.assurance
    rows["trial_limits"] = result.trial_limits
    rows["note"] = result.note
    rows["improvement"] = improvement
    rows["target"] = target
    rows["series"] = series["series"].to_numpy()
    rows["suppressed"] = series["suppressed"].to_numpy()
    for col in ("baseline_kind", "baseline_label", "baseline_reason"):
        rows[col] = None
    for b in shown:
        at = position[b]
        for col, text in (("baseline_kind", b.kind), ("baseline_label", b.label),
                          ("baseline_reason", b.reason)):
            before = rows.at[at, col]
            rows.at[at, col] = text if not before else f"{before}; {text}"
    return rows


def build_spc_table(con, months: int = SPC_MONTHS) -> None:
    """Write ``spc``: the XmR chart of every monthly indicator for locality and agency ``All``,
    over its latest ``months`` month ends.

    Reads ``indicator_monthly``, ``indicator_catalogue`` (polarity higher / lower /
    context -> improvement increase / decrease / neutral; ``frequency`` monthly) and
    ``seed_targets``. Termly indicators have too few points for XmR and are left out.
    """
    series = con.sql(_series_query(con)).df()
    baselines = read_baselines(con)
    charts = [
        _chart_rows(indicator_id, group, baselines.get(indicator_id, []), months)
        for indicator_id, group in series.groupby("indicator_id", sort=True)
    ]
    columns = ", ".join(
        f'cast("{name}" as {dtype}) as "{name}"' for name, dtype in SPC_TABLE_COLUMNS
    )
    if not charts:
        definition = ", ".join(f'"{name}" {dtype}' for name, dtype in SPC_TABLE_COLUMNS)
        con.execute(f"create or replace table spc ({definition})")
        return
    frame = pd.concat(charts, ignore_index=True)
    con.register("spc_frame", frame)
    try:
        con.execute(
            f"create or replace table spc as select {columns} from spc_frame "
            "order by indicator_id, period_end"
        )
    finally:
        con.unregister("spc_frame")
