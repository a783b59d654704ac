"""The board scorecard: one row per indicator, worked out from already-disclosed frames.

Pure pandas (no Streamlit), shared by the home page and the board pack, so the
page and the printed pack cannot disagree.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard import formatting as fmt
from metrics import verdict as spc_verdict
from metrics.spc import POLARITY_TO_IMPROVEMENT

# MDC variation icons as words and a shape (never colour alone)
VARIATION = {
    "common_cause": ("●", "Common cause: no significant change"),
    "improvement_high": ("▲", "Special cause: improvement (higher)"),
    "improvement_low": ("▼", "Special cause: improvement (lower)"),
    "concern_high": ("▲", "Special cause: concern (higher)"),
    "concern_low": ("▼", "Special cause: concern (lower)"),
    "neutral_high": ("▲", "Special cause: higher (neither better nor worse)"),
    "neutral_low": ("▼", "Special cause: lower (neither better nor worse)"),
}
VARIATION_KIND = {"common_cause": "common", "improvement_high": "improvement",
                  "improvement_low": "improvement", "concern_high": "concern",
                  "concern_low": "concern", "neutral_high": "neutral", "neutral_low": "neutral"}
# MDC assurance icons as words: will the process meet the target? (needs a target)
ASSURANCE = {
    "consistent_pass": ("P", "Assurance: will consistently meet the target"),
    "consistent_fail": ("F", "Assurance: will consistently miss the target unless things change"),
    "inconsistent": ("?", "Assurance: hit and miss — met in some months, missed in others"),
}
# Making Data Count point rules in a board member's words (the abbreviations kept beside)
RULE_WORDS = {
    "Above UCL": "above the upper process limit (UCL)",
    "Below LCL": "below the lower process limit (LCL)",
    "7 Point Trend (Increasing)": "7 points in a row each higher than the last (a rising trend)",
    "7 Point Trend (Decreasing)": "7 points in a row each lower than the last (a falling trend)",
    "2 in 3 Above CL": "2 of 3 points close to the upper limit, above the average (centre line, CL)",
    "2 in 3 Below CL": "2 of 3 points close to the lower limit, below the average (centre line, CL)",
    "7 Points Above CL": "7 points in a row above the average (centre line, CL): a shift",
    "7 Points Below CL": "7 points in a row below the average (centre line, CL): a shift",
    "Common Cause": "common cause: the usual variation (no signal)",
}
SERIES_WORDS = {
    "in_month": "each month's own figure (not the rolling 12 months, whose neighbouring "
                "months share 11 of 12 months and would make every change look like a signal)",
    "snapshot": "the count at each month end (month-end counts carry over from month to "
                "month, so runs above or below the average are more common than for "
                "monthly flows: read shifts with care)",
}
POLARITY_WORDS = {"higher": "higher is better", "lower": "lower is better",
                  "context": "context: neither higher nor lower is better"}
SPARK_POINTS = 24
BOARD_COLUMNS = ["Indicator", "Period", "Value", "Based on", "Same period last year",
                 "Direction of travel", "Target", "RAG", "Benchmark", "SPC variation",
                 "SPC assurance"]


def rule_text(label, step: str | None = None) -> str:
    """A point rule label (``2 in 3 Below CL``) in words, abbreviations explained; with
    ``step`` ("month" or "quarter") the points are named as what they are ("7 quarters in a
    row above the average")."""
    if not isinstance(label, str) or not label:
        return ""
    words = RULE_WORDS.get(label, label)
    if step in ("month", "quarter"):
        words = words.replace("7 points", f"7 {step}s").replace("3 points", f"3 {step}s")
    return words


def assurance_text(icon: str | None) -> str:
    if not icon:
        return "no assurance icon (no target, or a context measure)"
    shape, words = ASSURANCE.get(icon, ("", icon))
    return f"{shape} {words}".strip()


def period_text(ind, when) -> str:
    """The honest label of an indicator's figure at ``when`` (see fmt.period)."""
    kind = ind.get("period_kind") or ind.get("frequency") or "monthly"
    lag = ind.get("window_lag_months")
    return fmt.period(when, kind, 0 if lag is None or pd.isna(lag) else int(lag))


def variation_text(icon: str | None) -> str:
    if not icon:
        return fmt.NOT_AVAILABLE
    shape, words = VARIATION.get(icon, ("", icon))
    return f"{shape} {words}".strip()


def judge(role: str, iid: str, polarity: str, spc_series: str | None, when,
          headline: pd.DataFrame | None, monthly: pd.DataFrame | None = None,
          quarterly: pd.DataFrame | None = None) -> spc_verdict.Verdict:
    """The SPC verdict of one measure at ``when`` as ``role`` sees it: the one sentence
    (metrics.verdict) that the scorecard, the exception report, the explorer, the board pack
    and their CSV files all show. ``monthly``/``quarterly``: the role's ``data.spc`` /
    ``data.spc_quarterly`` rows of this measure when the caller has them already."""
    if monthly is None:
        monthly = data.spc(role, iid)
    else:
        monthly = monthly[monthly["indicator_id"] == iid]
    if quarterly is None:
        quarterly = data.spc_quarterly(role, iid)
    else:
        quarterly = quarterly[quarterly["indicator_id"] == iid]
    if headline is not None and when is not None and not pd.isna(when):
        headline = headline[headline["period_end"] <= pd.Timestamp(when)]
    improvement = POLARITY_TO_IMPROVEMENT.get(str(polarity).lower(), "neutral")
    return spc_verdict.judge(monthly, quarterly, when, improvement,
                             restricted=not data.unsuppressed(role), series_kind=spc_series,
                             headline=headline)


def direction(current, previous, polarity: str, unit: str) -> tuple[str, str]:
    """(arrow, word) comparing with the same period a year earlier, at the precision shown."""
    if current is None or previous is None or pd.isna(current) or pd.isna(previous):
        return ("", "not available")
    ndigits = 0 if unit == "count" else 1
    now, before = round(float(current), ndigits), round(float(previous), ndigits)
    if now == before:
        return ("→", "no change")
    arrow = "▲" if now > before else "▼"
    if polarity not in ("higher", "lower"):
        return (arrow, "context")
    better = (now > before) == (polarity == "higher")
    return (arrow, "better" if better else "worse")


def rag(value, target, tolerance, polarity: str, unit: str) -> str | None:
    """Green at or better than target, amber within tolerance, red beyond; None without a target.

    Compared at the precision shown (1 dp), so a value shown as 22.0 meets a target of 22.0.
    """
    if target is None or pd.isna(target) or polarity not in ("higher", "lower"):
        return None
    if value is None or pd.isna(value):
        return None
    tolerance = 0.0 if tolerance is None or pd.isna(tolerance) else float(tolerance)
    v = round(float(value), 0 if unit == "count" else 1)
    gap = (float(target) - v) if polarity == "higher" else (v - float(target))
    if gap <= 0:
        return "Green"
    return "Amber" if gap <= tolerance + 1e-9 else "Red"


NO_COMPARATOR = "no published comparator"
NEIGHBOURS = "Statistical neighbours"  # the DfE's ten nearest authorities' average (LAIT)


def benchmark_text(bench: pd.DataFrame, unit: str) -> str:
    """``England 22.6% (2024-25); North West 21.7% (2024-25); Statistical neighbours ...``
    from the latest period of each: England first, then the region(s), then the statistical
    neighbours' average; "no published comparator" when there is none."""
    if bench.empty:
        return NO_COMPARATOR
    parts = []
    latest = bench.sort_values("period_label").groupby("geography", sort=False).tail(1)
    order = latest["geography"].map(lambda g: 0 if g == "England" else 2 if g == NEIGHBOURS
                                    else 1)
    for _, b in latest.assign(order=order).sort_values(["order", "geography"]).iterrows():
        name = f"{NEIGHBOURS} (average)" if b["geography"] == NEIGHBOURS else b["geography"]
        parts.append(f"{name} {fmt.number(b['value'], unit)} ({b['period_label']})")
    return "; ".join(parts)


def _at_or_before(series: pd.DataFrame, when: pd.Timestamp) -> pd.DataFrame:
    return series[series["period_end"] <= when]


def _same_period_last_year(series: pd.DataFrame, when: pd.Timestamp) -> pd.Series | None:
    target = (when - pd.DateOffset(years=1)) + pd.offsets.MonthEnd(0)
    hit = series[series["period_end"] == target]
    return None if hit.empty else hit.iloc[0]


# What a figure is compared with (spec: the same month a year earlier, by default)
COMPARISONS = {"last_year": "Same period last year", "last_meeting": "Since the last meeting",
               "baseline": "Since the strategy baseline"}


def last_meeting(when: pd.Timestamp) -> tuple[pd.Timestamp, str] | None:
    """(data month, words) of the latest meeting whose data month is before ``when``: a
    meeting looks at the last month end before it, as the data stand now."""
    meetings = data.meetings()
    if meetings.empty:
        return None
    months = meetings["meeting_date"] - pd.offsets.MonthEnd(1)
    earlier = meetings[months < pd.Timestamp(when)]
    if earlier.empty:
        return None
    row = earlier.iloc[-1]
    month = row["meeting_date"] - pd.offsets.MonthEnd(1)
    return month, f"{row['board']} {fmt.day(row['meeting_date'])} ({fmt.month(month)} figures)"


def baseline_month(iid: str, strategy: str | None) -> tuple[pd.Timestamp, str] | None:
    """(month, words): the month end before the launch of ``strategy`` (or of the earliest
    strategy tracking the indicator)."""
    rows = data.strategies()
    if "launch_date" not in rows.columns:
        return None
    rows = rows[rows["indicator_id"] == iid] if not strategy else \
        rows[rows["strategy"] == strategy]
    rows = rows.dropna(subset=["launch_date"])
    if rows.empty:
        return None
    first = rows.sort_values("launch_date").iloc[0]
    month = pd.Timestamp(first["launch_date"]) - pd.offsets.MonthEnd(1)
    return month, f"{first['strategy']} launch ({fmt.month(month)} figures)"


def _compared_row(series: pd.DataFrame, when, compare: str, iid: str,
                  strategy: str | None) -> tuple[pd.Series | None, str]:
    if when is None:
        return None, ""
    if compare == "last_year":
        return _same_period_last_year(series, when), ""
    found = last_meeting(when) if compare == "last_meeting" else baseline_month(iid, strategy)
    if found is None:
        return None, "no meeting listed" if compare == "last_meeting" else "no launch date"
    month, words = found
    upto = series[series["period_end"] <= month]  # a termly figure: the latest term by then
    return (None if upto.empty else upto.iloc[-1]), words


def indicators_for(strategy: str | None) -> pd.DataFrame:
    """The catalogue, cut to one strategy's measures when one is chosen."""
    cat = data.measures()
    if not strategy:
        return cat
    ids = data.strategies()
    wanted = set(ids.loc[(ids["strategy"] == strategy) & (ids["indicator_id"] != ""),
                         "indicator_id"])
    return cat[cat["indicator_id"].isin(wanted)].reset_index(drop=True)


def build(role: str, strategy: str | None, period: pd.Timestamp,
          compare: str = "last_year") -> pd.DataFrame:
    """One row per indicator for the partnership (locality All, agency All) at ``period``,
    compared with ``compare`` (COMPARISONS)."""
    db = data.live()
    return _build_cached(str(db.path), db.current(), role, strategy,
                         pd.Timestamp(period), compare).copy()


@st.cache_resource(ttl=3600, max_entries=500, show_spinner=False)  # shared; build() copies
def _build_cached(path: str, sig: tuple, role: str, strategy: str | None,
                  period: pd.Timestamp, compare: str) -> pd.DataFrame:
    return _build(role, strategy, period, compare)


def _build(role: str, strategy: str | None, period: pd.Timestamp,
           compare: str = "last_year") -> pd.DataFrame:
    cat = indicators_for(strategy)
    if cat.empty:
        return pd.DataFrame()
    ids = list(cat["indicator_id"])
    vals = data.values(role, indicator_ids=ids, localities=["All"], agencies=["All"])
    spc = data.spc(role)
    targets = data.targets().set_index("indicator_id")
    bench = data.benchmarks()
    by_id = {k: g.sort_values("period_end") for k, g in vals.groupby("indicator_id")}
    quarterly = data.spc_quarterly(role)
    empty = vals.iloc[0:0]
    # each measure's SPC rows cut once (rows and order as a mask gives them), not by a mask
    # over every measure's rows per measure and again for its assurance icon
    spc_of = dict(tuple(spc.groupby("indicator_id", sort=False)))
    quarterly_of = dict(tuple(quarterly.groupby("indicator_id", sort=False)))
    rows = []
    for _, ind in cat.iterrows():
        iid, unit, polarity = ind["indicator_id"], ind["unit"], str(ind["polarity"]).lower()
        series = by_id.get(iid, empty)
        upto = _at_or_before(series, period)
        cur = upto.iloc[-1] if not upto.empty else None
        when = cur["period_end"] if cur is not None else None
        prev, compared_with = _compared_row(series, when, compare, iid, strategy)
        hidden = bool(cur is not None and cur["hidden"])
        prev_hidden = bool(prev is not None and prev["hidden"])
        value = None if cur is None or hidden else cur["value"]
        prev_value = None if prev is None or prev_hidden else prev["value"]
        arrow, word = direction(value, prev_value, polarity, unit)
        if hidden or prev_hidden:
            arrow, word = "", fmt.CONFIDENTIAL
        target = targets["target"].get(iid) if iid in targets.index else None
        tolerance = targets["tolerance"].get(iid) if iid in targets.index else None
        status = rag(value, target, tolerance, polarity, unit)
        judged = (judge(role, iid, polarity, ind.get("spc_series"), when, series,
                        spc_of.get(iid, spc.iloc[0:0]),
                        quarterly_of.get(iid, quarterly.iloc[0:0]))
                  if ind["frequency"] == "monthly" and not is_manual(ind) and when is not None
                  else None)
        icon = judged.icon if judged is not None else None
        spark = upto.tail(SPARK_POINTS)
        withheld = cur is None and not pd.isna(ind.get("look_back_months") or 0) and \
            int(ind.get("look_back_months") or 0) > 0
        # no verdict, no icons (fewer than 15 points, or too few children to judge safely);
        # the assurance icon is read off the limits of the series the verdict is judged on
        assurance = None
        if icon is not None:
            judged_on = (quarterly_of.get(iid, quarterly.iloc[0:0]) if judged.step == "quarter"
                         else spc_of.get(iid, spc.iloc[0:0]))
            last = judged_on["assurance"].dropna()  # this measure's rows alone
            assurance = last.iloc[-1] if not last.empty else None
        rows.append({
            "indicator_id": iid, "title": ind["title"], "unit": unit, "polarity": polarity,
            "frequency": ind["frequency"], "period_end": when,
            "period_kind": ind.get("period_kind"), "spc_series": ind.get("spc_series"),
            "window_lag_months": ind.get("window_lag_months"),
            "period_text": (period_text(ind, when) if cur is not None else
                            fmt.not_enough_history(ind.get("first_period")) if withheld
                            else fmt.NOT_AVAILABLE),
            "value": value, "hidden": hidden,
            "value_text": fmt.number(value, unit, hidden) if cur is not None else fmt.NOT_AVAILABLE,
            "numerator": None if cur is None or hidden else cur["numerator"],
            "denominator": None if cur is None or hidden else cur["denominator"],
            "based_on": _based_on(cur, unit, ind),
            "last_year_text": (fmt.number(prev_value, unit, prev_hidden) if prev is not None
                               else fmt.NOT_AVAILABLE),
            "compared_with": compared_with,
            "compared_value": prev_value,
            "tolerance": None if tolerance is None or pd.isna(tolerance) else float(tolerance),
            "arrow": arrow, "direction": word,
            "target": target, "target_text": (fmt.number(target, unit) if target is not None
                                              and not pd.isna(target) else "no target"),
            "rag": status,
            "benchmark_text": benchmark_text(bench[bench["indicator_id"] == iid], unit),
            "benchmark_source": "; ".join(dict.fromkeys(
                [*bench.loc[bench["indicator_id"] == iid].sort_values("period_label")["source"]
                 .dropna().tail(2), *([ind["comparator_note"]] if isinstance(
                     ind.get("comparator_note"), str) and ind.get("comparator_note") else [])])),
            "variation": icon,
            "variation_text": (judged.sentence if judged is not None else
                               no_spc_text(ind) if ind["frequency"] != "monthly"
                               or is_manual(ind) else fmt.NOT_AVAILABLE),
            "verdict_kind": (judged.kind if judged is not None else fmt.NOT_APPLICABLE
                             if ind["frequency"] != "monthly" or is_manual(ind)
                             else fmt.NOT_AVAILABLE),
            "verdict_step": judged.step if judged is not None else None,
            "trial_limits": bool(judged.trial) if judged is not None else False,
            "assurance": assurance if isinstance(assurance, str) else None,
            "assurance_text": (assurance_text(assurance if isinstance(assurance, str) else None)
                               if judged is not None and judged.icon is not None else
                               NO_VERDICT_ASSURANCE if judged is not None
                               else no_spc_text(ind)),
            "manual": is_manual(ind),
            "source": ind.get("source") if is_manual(ind) else None,
            "owner": ind.get("owner") if is_manual(ind) else None,
            "spark": [None if h or pd.isna(v) else float(v)
                      for v, h in zip(spark["value"], spark["hidden"], strict=True)],
            "spark_periods": list(spark["period_end"]),
            "definition": ind.get("definition", ""),
        })
    frame = pd.DataFrame(rows)
    for col in ("rag", "variation", "assurance", "target", "value", "numerator", "denominator",
                "compared_value", "tolerance"):
        # pandas turns a None into NaN; the renderers test for None
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


NO_VERDICT_ASSURANCE = "no assurance icon (no SPC verdict: see the variation)"


def is_manual(ind) -> bool:
    """A manual measure (entered by hand: audits, surveys, training counts)."""
    return bool(ind.get("manual")) and not pd.isna(ind.get("manual"))


def no_spc_text(ind) -> str:
    if is_manual(ind):
        return "z: an entered figure, no SPC chart"
    return "z: termly, too few points for SPC"


def _based_on(cur, unit: str, ind) -> str:
    if cur is None:
        return fmt.NOT_AVAILABLE
    if cur["hidden"]:
        return fmt.CONFIDENTIAL
    if unit == "count":
        return f"{fmt.count(cur['numerator'])} {ind.get('numerator_label') or ''}".strip()
    den_label = ind.get("denominator_label") or ("children 0-17" if unit == "rate" else "")
    return f"{fmt.count(cur['numerator'])} of {fmt.count(cur['denominator'])} {den_label}".strip()


FIGURE_COLUMNS = ["Value (number)", "Numerator", "Denominator", "Compared value (number)",
                  "Change (number)", "Target (number)"]


def figure_cells(r) -> dict[str, str]:
    """One scorecard row's figures as numbers for a CSV (beside the text a reader sees):
    the value, its numerator and denominator, the figure compared with, the change and the
    target; ``c`` where withheld, ``x`` not available, ``z`` no denominator (a count)."""
    unit, shown = r["unit"], r.get("period_end") is not None and not pd.isna(r["period_end"])
    hidden = bool(r["hidden"])
    prev_hidden = r.get("direction") == fmt.CONFIDENTIAL and not hidden
    target = r.get("target")
    return {
        "Value (number)": fmt.figure(r["value"] if shown else None, unit, hidden),
        "Numerator": fmt.figure(r["numerator"] if shown else None, "count", hidden),
        "Denominator": (fmt.NOT_APPLICABLE if unit == "count" else
                        fmt.figure(r["denominator"] if shown else None, "count", hidden)),
        "Compared value (number)": fmt.figure(r.get("compared_value"), unit, prev_hidden),
        "Change (number)": fmt.change(r["value"], r.get("compared_value"), unit,
                                      hidden or prev_hidden),
        "Target (number)": fmt.figure(None if target is None or pd.isna(target) else target,
                                      unit),
    }


def figure_columns(card: pd.DataFrame) -> pd.DataFrame:
    """``figure_cells`` of every row, in the card's order."""
    return pd.DataFrame([figure_cells(r) for _, r in card.iterrows()], columns=FIGURE_COLUMNS,
                        index=card.index)


AS_SHOWN = {"Value": "Value as shown"}  # a CSV's text figure, beside "Value (number)"


def csv_table(card: pd.DataFrame, compare: str = "last_year") -> pd.DataFrame:
    """The scorecard CSV: the board table's text, then its figures as numbers."""
    table = board_table(card, compare).rename(columns=AS_SHOWN)
    if card.empty:
        return pd.concat([table, pd.DataFrame(columns=FIGURE_COLUMNS)], axis=1)
    return pd.concat([table.reset_index(drop=True),
                      figure_columns(card).reset_index(drop=True)], axis=1)


def board_table(card: pd.DataFrame, compare: str = "last_year") -> pd.DataFrame:
    """The scorecard as text cells: what the table view, the CSV and the pack show."""
    if card.empty:
        return pd.DataFrame(columns=BOARD_COLUMNS)
    table = pd.DataFrame({
        "Indicator": card["title"],
        "Period": card["period_text"],
        "Value": card["value_text"],
        "Based on": card["based_on"],
        "Same period last year": card["last_year_text"],
        "Direction of travel": (card["arrow"] + " " + card["direction"]).str.strip(),
        "Target": card["target_text"],
        "RAG": card["rag"].fillna("no RAG (no target)").where(
            ~card["hidden"], fmt.CONFIDENTIAL),
        "Benchmark": card["benchmark_text"],
        "SPC variation": card["variation_text"],
        "SPC assurance": card["assurance_text"],
    })
    if compare != "last_year":
        table = table.rename(columns={"Same period last year": COMPARISONS[compare]})
        table.insert(table.columns.get_loc(COMPARISONS[compare]) + 1, "Compared with",
                     card["compared_with"])
    return table
