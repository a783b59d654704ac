"""The SPC verdict in words: one sentence per verdict, the same on every surface.

Spec (indicators.md, "Statistical process control"): with fewer than 15 points there is no
verdict and no icon (the reason is said); with 15-19 the limits are "trial limits", and
every surface that shows the verdict says so. Each verdict is one sentence naming the rule
that fired and the baseline it is judged against. For a restricted viewer, when months are
hidden by disclosure control, the verdict uses each quarter's own figure when the quarters
clear the threshold; otherwise it says "too few children each month to judge safely" —
never "no signals".

These thresholds decide what is *shown*; ``metrics.spc.xmr`` computes the limits as it
always has. ``verdict`` is the one function that writes the sentence: the scorecard, the
exception report, the explorer, the board pack and their CSV downloads all call it (through
``dashboard.scorecard``), so they cannot word it differently. Pure pandas: no Streamlit.

A chart handed in is the published ``spc`` / ``spc_quarterly`` rows as a role sees them:
period_end, value (NULL when hidden), mean, lpl, upl, point_label, point_type,
baseline_kind, baseline_label, and ``hidden`` (a point the role may not see).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

MIN_POINTS = 15  # fewer visible points: no verdict, no icon
TRIAL_BELOW = 20  # 15-19 visible points: "trial limits"
TOO_FEW = "too few children each month to judge safely here"
EACH_MONTH = "each month's own figure"
EACH_MONTH_END = "each month end's figure"
EACH_QUARTER = "each quarter's own figure"

_STEP = {"month": ("month", "months"), "quarter": ("quarter", "quarters")}


NO_VERDICT = "No verdict"


@dataclass(frozen=True)
class Verdict:
    """What a surface shows: the icon (None: no verdict) and the one sentence, which starts
    with the verdict's ``kind`` (the words a short summary shows)."""

    icon: str | None  # the MDC variation icon (common_cause, concern_high, ...), or None
    sentence: str
    step: str | None  # "month" or "quarter": the series judged (or, with no verdict for
    # too few children, "quarter": the series looked at); None without a verdict otherwise
    points: int  # visible points of the series judged
    trial: bool
    period_end: pd.Timestamp | None  # the point judged

    @property
    def kind(self) -> str:
        """The verdict in short: "Common cause", "Special cause of concern (higher)", ...,
        or "No verdict"."""
        return _KIND.get(self.icon, self.icon) if self.icon else NO_VERDICT


def _month(when) -> str:
    return f"{pd.Timestamp(when):%B %Y}"


def _quarter(when) -> str:
    end = pd.Timestamp(when)
    start = end - pd.offsets.MonthBegin(3)
    return f"{start:%B} to {end:%B %Y}"


def _when(step: str, when) -> str:
    return _quarter(when) if step == "quarter" else _month(when)


def period_words(step: str, when) -> str:
    """A point of the series in words: "April to June 2026" (a quarter) or "June 2026"."""
    return _when(step, when)


def _shown_flags(chart: pd.DataFrame) -> list[bool]:
    shown = chart["value"].notna()
    if "hidden" in chart.columns:
        shown &= ~chart["hidden"].fillna(False).astype(bool)
    return shown.tolist()


def _baseline_words(chart: pd.DataFrame, at: int, step: str) -> str:
    """What the point at row ``at`` is judged against: the months before a fixed baseline,
    the months since a rebase, or every point shown (their mean and limits)."""
    one, many = _STEP[step]
    size = len(chart)
    kinds = (chart["baseline_kind"].fillna("").astype(str).tolist()
             if "baseline_kind" in chart else [""] * size)
    labels = (chart["baseline_label"].fillna("").astype(str).tolist()
              if "baseline_label" in chart else [""] * size)
    ends = chart["period_end"].tolist()
    shown = _shown_flags(chart)
    rebases = [i for i in range(1, at + 1) if "rebase" in kinds[i]]
    start = rebases[-1] if rebases else 0
    stop = next((i for i in range(start + 1, size) if "rebase" in kinds[i]), size)
    fixes = [i for i in range(start + 1, stop) if "fix" in kinds[i]]
    if fixes:
        fix = fixes[0]
        n = sum(shown[start:fix])
        label = labels[fix].split(";")[0].strip() or "a fixed baseline"
        if step == "quarter":
            # the first quarter that starts in or after the change's month: the quarters
            # judged on run to the month before it starts (not the launch month itself)
            last = pd.Timestamp(ends[fix]) - pd.offsets.MonthEnd(3)
            return f"the {n} {many if n != 1 else one} to {_month(last)}, before the {label}"
        launch = pd.Timestamp(ends[fix]) - pd.offsets.MonthBegin(1)
        return f"the {n} {many if n != 1 else one} before the {label} ({_month(launch)})"
    n = sum(shown[start:stop])
    if rebases:
        label = labels[start].split(";")[0].strip() or "a known change"
        return (f"the {n} {many if n != 1 else one} since the "
                f"{label} ({_when(step, ends[start])})")
    return f"the {n} {many if n != 1 else one} shown"


def _run(chart: pd.DataFrame, at: int, above: bool) -> int:
    """Visible points in a row, ending at row ``at``, on one side of their mean."""
    values, means = chart["value"].tolist(), chart["mean"].tolist()
    n = 0
    for i in range(at, -1, -1):
        value, mean = values[i], means[i]
        if pd.isna(value):
            continue
        if pd.isna(mean) or not (value > mean if above else value < mean):
            break
        n += 1
    return n


def _rule_words(chart: pd.DataFrame, at: int, step: str, baseline: str) -> str:
    one, many = _STEP[step]
    row = chart.iloc[at]
    label = str(row.get("point_label") or "")
    if label in ("Above UCL", "Below LCL"):
        side = "above the upper" if label == "Above UCL" else "below the lower"
        return f"one {one} {side} limit worked out on {baseline}"
    if label.startswith("7 Point Trend"):
        rising = "Increasing" in label
        n = max(7, _run_steps(chart, at, rising))
        return (f"{n} {many} in a row each {'higher' if rising else 'lower'} than the one "
                f"before (a trend; limits worked out on {baseline})")
    if label.startswith("2 in 3"):
        above = "Above" in label
        return (f"2 of the last 3 {many} close to the {'upper' if above else 'lower'} limit, "
                f"all {'above' if above else 'below'} the average of {baseline}")
    if label.startswith("7 Points"):
        above = "Above" in label
        n = max(_run(chart, at, above), 7)
        return f"{n} {many} in a row {'above' if above else 'below'} the average of {baseline}"
    return (f"within the limits worked out on {baseline}, and in no run or trend (the usual "
            "variation)")


def _run_steps(chart: pd.DataFrame, at: int, rising: bool) -> int:
    values = [v for v in chart["value"].iloc[: at + 1].tolist() if not pd.isna(v)]
    n = 1
    for a, b in zip(reversed(values[:-1]), reversed(values[1:]), strict=True):
        if (b > a) if rising else (b < a):
            n += 1
        else:
            break
    return n


_KIND = {
    "common_cause": "Common cause",
    "improvement_high": "Special cause of improvement (higher)",
    "improvement_low": "Special cause of improvement (lower)",
    "concern_high": "Special cause of concern (higher)",
    "concern_low": "Special cause of concern (lower)",
    "neutral_high": "Special cause (higher, neither better nor worse)",
    "neutral_low": "Special cause (lower, neither better nor worse)",
}


def icon_of(point_type, improvement: str) -> str | None:
    from metrics.spc import variation_icon

    return variation_icon(point_type, improvement) if isinstance(point_type, str) else None


def _disagreement(icon: str, headline: pd.DataFrame | None, fixed: bool) -> str:
    """'higher than before the launch; falling since March 2026' when the signal's side
    and the direction of travel (the headline figure against a year earlier) differ."""
    if headline is None or headline.empty or icon == "common_cause":
        return ""
    high = icon.endswith("_high")
    series = headline.dropna(subset=["value"]).sort_values("period_end")
    if "hidden" in series.columns:
        series = series[~series["hidden"].fillna(False).astype(bool)]
    if len(series) < 2:
        return ""
    last = series.iloc[-1]
    year_ago = series[series["period_end"] <= last["period_end"] - pd.DateOffset(months=12)]
    if year_ago.empty:
        return ""
    now, before = float(last["value"]), float(year_ago.iloc[-1]["value"])
    if now == before or (now > before) == high:
        return ""
    recent = series[series["period_end"] > last["period_end"] - pd.DateOffset(months=12)]
    turn = recent.loc[recent["value"].idxmax() if high else recent["value"].idxmin()]
    where = "than before the launch" if fixed else "than the average"
    return (f"; {'higher' if high else 'lower'} {where}, but "
            f"{'falling' if high else 'rising'} since {_month(turn['period_end'])}")


def verdict(chart: pd.DataFrame | None, when, improvement: str, step: str = "month",
            series_words: str = EACH_MONTH, headline: pd.DataFrame | None = None,
            too_few: str | None = None) -> Verdict:
    """The verdict on the latest visible point of ``chart`` at or before ``when``.

    ``step``: "month" or "quarter". ``too_few``: the reason said when there are fewer than
    15 visible points (default: how many there are). ``headline``: the figure the scorecard
    shows over time (period_end, value, hidden), for the direction of travel when it seems
    to disagree with the signal.
    """
    one, many = _STEP[step]
    if chart is None or chart.empty:
        sentence = (f"{NO_VERDICT}: {too_few} (0 {many} can be shown; 15 are needed)."
                    if too_few else f"{NO_VERDICT}: no {many} to chart yet.")
        return Verdict(None, sentence, None, 0, False, None)
    chart = chart.sort_values("period_end").reset_index(drop=True)
    if when is not None and not pd.isna(when):
        chart = chart[chart["period_end"] <= pd.Timestamp(when)].reset_index(drop=True)
    shown = _shown_flags(chart)
    n = sum(shown)
    if n < MIN_POINTS:
        counted = f"{n} {one if n == 1 else many}"
        sentence = (f"{NO_VERDICT}: {too_few} ({counted} can be shown; 15 are needed)."
                    if too_few else f"{NO_VERDICT}: only {counted} so far (15 are needed to "
                    "judge).")
        return Verdict(None, sentence, None, n, False, None)
    at = max(i for i, flag in enumerate(shown) if flag)
    row = chart.iloc[at]
    icon = icon_of(row.get("point_type"), improvement)
    if icon is None or pd.isna(row.get("upl")):
        return Verdict(None, f"{NO_VERDICT}: the process limits could not be worked out "
                             "(every value is the same, or too few values).", None, n,
                       False, None)
    baseline = _baseline_words(chart, at, step)
    fixed = "before the" in baseline
    words = _rule_words(chart, at, step, baseline)
    trial = n < TRIAL_BELOW
    kind = Verdict(icon, "", step, n, trial, None).kind
    sentence = (f"{kind} in {_when(step, row['period_end'])}, on "
                f"{series_words}: {words}"
                f"{_disagreement(icon, headline, fixed)}"
                f"{f'; trial limits, only {n} {many} charted (20 give stable limits)' if trial else ''}.")
    return Verdict(icon, sentence, step, n, trial, pd.Timestamp(row["period_end"]))


SERIES_WORDS = {"in_month": EACH_MONTH, "snapshot": EACH_MONTH_END, "quarter": EACH_QUARTER}


def uses_quarters(monthly: pd.DataFrame | None, restricted: bool) -> bool:
    """A restricted viewer with a hidden month in the monthly chart is judged on quarters."""
    return bool(restricted and monthly is not None and not monthly.empty
                and "hidden" in monthly.columns
                and monthly["hidden"].fillna(False).astype(bool).any())


def judge(monthly: pd.DataFrame | None, quarterly: pd.DataFrame | None, when,
          improvement: str, restricted: bool, series_kind: str | None = "in_month",
          headline: pd.DataFrame | None = None) -> Verdict:
    """The verdict every surface shows for one measure at ``when``: on the monthly chart,
    or, for a restricted viewer with months hidden, on each quarter's own figure (or
    "too few children each month to judge safely here" when the quarters too have fewer
    than 15 visible points)."""
    if uses_quarters(monthly, restricted):
        judged = verdict(quarterly, when, improvement, "quarter", EACH_QUARTER, headline,
                         too_few=TOO_FEW)
        # with no verdict the surfaces still chart the quarters (no point marked), as the
        # explorer does: the pack and the explorer show the same series
        return judged if judged.step else replace(judged, step="quarter")
    return verdict(monthly, when, improvement, "month",
                   SERIES_WORDS.get(series_kind or "in_month", EACH_MONTH), headline)
