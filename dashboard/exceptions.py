"""The exception report: the measures that need the board this month, and why.

A measure is listed when, for the chosen month (the scorecard's own row, compared since the
last meeting, so the page and the pack cannot disagree with it):

- its latest SPC point is a special cause of **concern**;
- its SPC assurance icon says it will **consistently miss** its target;
- its RAG is **red** (beyond the target's tolerance);
- it is **worse since the last meeting** by more than its target's tolerance (at the
  precision shown; a measure without a target has no tolerance and is not judged on this).
"""

from __future__ import annotations

import pandas as pd

from dashboard import formatting as fmt
from dashboard import scorecard

CHANGE_UNITS = {"percent": " percentage points", "rate": " per 10,000", "count": ""}
COLUMNS = ["indicator_id", "title", "period_text", "value_text", "compared_text",
           "compared_with", "reasons",
           # the figures as numbers, for the CSV (scorecard.figure_cells)
           "unit", "period_end", "value", "hidden", "numerator", "denominator",
           "compared_value", "direction", "target"]


def worsening(row) -> float | None:
    """How much worse than at the last meeting, when beyond the tolerance (else None)."""
    if row["direction"] != "worse" or row["target"] is None or row["value"] is None \
            or row["compared_value"] is None:
        return None
    ndigits = 0 if row["unit"] == "count" else 1
    change = abs(round(float(row["value"]), ndigits) - round(float(row["compared_value"]),
                                                             ndigits))
    tolerance = row["tolerance"] or 0.0
    return change if change > tolerance + 1e-9 else None


def reasons(row) -> list[str]:
    why = []
    if scorecard.VARIATION_KIND.get(row["variation"] or "") == "concern":
        why.append(f"SPC: {row['variation_text']}")
    if row["assurance"] == "consistent_fail":
        why.append("SPC assurance: will consistently miss the target unless things change")
    if row["rag"] == "Red":
        why.append(f"Red RAG: {row['value_text']} against a target of {row['target_text']}, "
                   "beyond its tolerance")
    change = worsening(row)
    if change is not None:
        unit = row["unit"]
        why.append(f"Worse since the last meeting by {fmt.plain(change, unit)}"
                   f"{CHANGE_UNITS.get(unit, '')} ({row['last_year_text']} then, "
                   f"{row['value_text']} now), more than the target's tolerance of "
                   f"{fmt.plain(row['tolerance'] or 0, unit)}")
    return why


def build(role: str, period: pd.Timestamp) -> pd.DataFrame:
    """One row per listed measure, in scorecard order, with its reasons."""
    card = scorecard.build(role, None, pd.Timestamp(period), "last_meeting")
    if card.empty:
        return pd.DataFrame(columns=COLUMNS)
    card = card.assign(reasons=[reasons(r) for _, r in card.iterrows()],
                       compared_text=card["last_year_text"])
    listed = card[card["reasons"].map(bool)]
    return listed[COLUMNS].reset_index(drop=True)


def csv_table(listed: pd.DataFrame, comments: dict) -> pd.DataFrame:
    """The CSV: the table's text, then the figures as numbers (scorecard.figure_cells)."""
    text = table(listed, comments).reset_index(drop=True).rename(columns=scorecard.AS_SHOWN)
    if listed.empty:
        return pd.concat([text, pd.DataFrame(columns=scorecard.FIGURE_COLUMNS)], axis=1)
    return pd.concat([text, scorecard.figure_columns(listed).reset_index(drop=True)], axis=1)


def table(listed: pd.DataFrame, comments: dict) -> pd.DataFrame:
    """Text cells for the page's table, its CSV and the pack."""
    return pd.DataFrame({
        "Indicator": listed["title"],
        "Period": listed["period_text"],
        "Value": listed["value_text"],
        "At the last meeting": listed["compared_text"],
        "Why it is listed": listed["reasons"].map("; ".join),
        "Commentary": [comments[i].body if i in comments else ""
                       for i in listed["indicator_id"]],
    }, columns=["Indicator", "Period", "Value", "At the last meeting", "Why it is listed",
                "Commentary"])


NOTHING_LISTED = ("Nothing listed: no measure shows a special cause of concern, a failed "
                  "assurance, a red RAG or a worsening since the last meeting beyond its "
                  "target's tolerance this month.")
