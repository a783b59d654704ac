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
note, instead of NaN limits. One series at a time: no facets or rebasing.

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
]


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
) -> SpcResult:
    """XmR chart of ``values`` (in time order) with Making Data Count signals and icons.

    ``improvement`` is ``increase`` (higher is better), ``decrease`` or ``neutral``.
    NULL / NaN values are skipped: their rows come back with no label.
    """
    if improvement not in IMPROVEMENTS:
        raise ValueError(f"improvement must be one of {IMPROVEMENTS}, not {improvement!r}")
    if target is not None and _is_missing(target):
        target = None
    raw = [None if _is_missing(v) else float(v) for v in values]
    present = np.array([v is not None for v in raw], dtype=bool)
    y = np.array([v for v in raw if v is not None], dtype=float)
    n = len(y)

    points = pd.DataFrame(
        {"value": pd.array([np.nan if v is None else v for v in raw], dtype="float64")}
    )
    for col in POINT_COLUMNS[1:8]:
        points[col] = np.nan
    points["outside_limits"] = pd.array([pd.NA] * len(raw), dtype="boolean")
    points["close_to_limits"] = pd.array([pd.NA] * len(raw), dtype="boolean")
    points["point_label"] = pd.Series([None] * len(raw), dtype=object)
    points["point_type"] = pd.Series([None] * len(raw), dtype=object)

    notes: list[str] = []
    trial = n < TRIAL_THRESHOLD
    if n < 2:
        if n == 1:
            points.loc[present, "mean"] = y[0]
        notes.append(
            "No process limits: at least 2 values are needed." if n else "No values to chart."
        )
        return SpcResult(
            points, None, None, trial, " ".join(notes), float(y[0]) if n else None, None, None
        )

    mean = math.fsum(y) / n  # exactly rounded sum, as close to R's mean() as we can get
    moving_range = np.abs(np.diff(y))
    amr = float(moving_range.mean())
    constant = amr == 0
    if screen_outliers and not constant:
        kept = moving_range[moving_range < SCREEN * amr]
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
        notes.append(
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
    if trial:
        notes.append(
            f"Trial limits: only {n} values (13 or more give stable limits); read signals with care."
        )

    types = [point_type(str(label), improvement) for label in labels]
    points.loc[present, "moving_range"] = np.concatenate([[np.nan], moving_range])
    points.loc[present, "relative_to_mean"] = side
    points.loc[present, "outside_limits"] = outside
    points.loc[present, "close_to_limits"] = close
    points.loc[present, "point_label"] = np.array([str(label) for label in labels], dtype=object)
    points.loc[present, "point_type"] = np.array(types, dtype=object)
    # the limits belong to the process, not to a point: NULL rows get them too, for drawing
    limits = {"mean": mean, "lpl": lpl, "upl": upl, "lower_2s": lower_2s, "upper_2s": upper_2s}
    for col, limit in limits.items():
        points[col] = limit

    variation = variation_icon(types[-1], improvement)
    assurance = None if degenerate else assurance_icon(target, lpl, upl, improvement)
    return SpcResult(
        points=points,
        variation=variation,
        assurance=assurance,
        trial_limits=trial,
        note=" ".join(notes) or None,
        mean=mean,
        lpl=lpl,
        upl=upl,
    )


# --- the published table ------------------------------------------------------


# Integrated performance reports chart the latest 24-36 months: the early months of a
# partnership's extracts ramp up (no look-back before the first record), and a long
# smooth rolling series would otherwise drag the mean and flag the whole present as a shift.
SPC_MONTHS = 36


def _series_query(con, months: int = SPC_MONTHS) -> str:
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
            qualify row_number() over (
                partition by m.indicator_id order by m.period_end desc
            ) <= {months}
        )

        select * from final order by indicator_id, period_end
    """


def _chart_rows(indicator_id: str, series: pd.DataFrame) -> pd.DataFrame:
    polarity = series["polarity"].iloc[0]
    improvement = POLARITY_TO_IMPROVEMENT.get(str(polarity).lower(), "neutral")
    target = series["target"].iloc[0]
    target = None if pd.isna(target) else float(target)
    result = xmr(series["value"].tolist(), improvement=improvement, target=target)
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
    return rows


def build_spc_table(con, months: int = SPC_MONTHS) -> None:
    """Write ``spc``: the XmR chart of every monthly indicator for locality and agency ``All``,
    over its latest ``months`` month ends.

    Reads ``indicator_monthly``, ``indicator_catalogue`` (polarity higher / lower /
    context -> improvement increase / decrease / neutral; ``frequency`` monthly) and
    ``seed_targets``. Termly indicators have too few points for XmR and are left out.
    """
    series = con.sql(_series_query(con, months)).df()
    charts = [
        _chart_rows(indicator_id, group.reset_index(drop=True))
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
