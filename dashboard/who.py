"""The explorer's "Who" tab: one indicator's partnership figure by age band, sex, ethnicity
group and disability (or by tool), from ``indicator_breakdowns``."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, ui
from dashboard import formatting as fmt

DIMENSIONS = {"age_band": "Age band", "sex": "Sex", "ethnicity": "Ethnicity group",
              "disability": "Disability", "tool": "Neglect tool"}
AGE_NOTE = ("Age in whole years at the month or term end for a figure at a point in time, "
            "and at the record's own date (referral, plan or episode start, closure ...) "
            "for a count of events; unborn = before the date of birth. The bands are the "
            "DfE's: unborn, under 1, 1 to 4, 5 to 9, 10 to 15, 16 to 17.")


def breakdown_unit(unit: str) -> str:
    """A rate is broken down as its count (no population by characteristic to divide by)."""
    return "percent" if unit == "percent" else "count"


def render(role: str, indicator: str, title: str, unit: str) -> None:
    frame = data.breakdowns(role, indicator)
    if frame.empty:
        st.info("This measure has no breakdown by the children's characteristics: it is not "
                "a count of children or of their records (or there is no figure yet).")
        return
    shown_unit = breakdown_unit(unit)
    st.write("The partnership's figure split by who the children are. "
             + ("Each group's percentage has its own numerator and denominator. "
                if shown_unit == "percent" else
                "A rate per 10,000 is shown as its count, with each group's share of all: "
                "there is no population by age, sex, ethnicity or disability to divide by. "
                if unit == "rate" else "Each group's count, with its share of all. ")
             + "Groups sum to All; a group kept confidential is shown as c, and so is one "
               "more where All minus the others would give it away.")
    periods = sorted(frame["period_end"].unique(), reverse=True)
    left, right = st.columns(2)
    period = left.selectbox("Period", periods, format_func=fmt.month, key="who_period")
    present = [d for d in DIMENSIONS if d in set(frame["dimension"])]
    dimension = right.radio("Break down by", present, format_func=DIMENSIONS.get,
                            horizontal=True, key="who_dimension")
    now = frame[(frame["period_end"] == period) & (frame["dimension"] == dimension)].copy()
    now["group"] = now["category"].map(lambda c: "All (partnership)" if c == "All" else c)
    label = DIMENSIONS[dimension].lower()
    fig = charts.bars(now, "group", f"{title}: by {label}, {fmt.month(period)}", shown_unit)
    columns = {"category": DIMENSIONS[dimension], "numerator": "Numerator",
               "denominator": "Denominator", "value": "Value"}
    table = ui.disclosed_table(now, shown_unit, columns)
    if shown_unit == "count":
        table["Share of all"] = _shares(now)
    ui.chart_with_table(fig, table, f"{indicator}-by-{dimension}-{pd.Timestamp(period):%Y-%m}.csv",
                        f"who_{dimension}", caption=AGE_NOTE if dimension == "age_band" else None)


def _shares(cells: pd.DataFrame) -> list[str]:
    """Each group's count as a percentage of All ('c' where either is hidden)."""
    total = cells[cells["category"] == "All"]
    whole = None if total.empty or bool(total["hidden"].iloc[0]) else total["numerator"].iloc[0]
    out = []
    for n, hidden in zip(cells["numerator"], cells["hidden"], strict=True):
        if hidden or whole is None:
            out.append(fmt.CONFIDENTIAL)
        elif not whole:
            out.append(fmt.NOT_APPLICABLE)
        else:
            out.append(fmt.plain(float(n) / float(whole) * 100, "percent"))
    return out
