"""The annual report extract: for a financial year (April to March), each strategy measure's
figure at the start and at the end of the year, the change, the SPC verdict and the
commentary, so the annual report's "impact" section is filled from the dashboard.

Built on the scorecard's own rows at the year's last month compared with the same month a
year earlier: the start figure is the one for the month before the year began (March), as
the data stand now. For a year still under way the end is the latest month, and the start
the same month a year before (the labels say which months). Termly measures use the latest
term ending by each month.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import commentary, data, scorecard
from dashboard import formatting as fmt

CHANGE_UNITS = {"percent": " percentage points", "rate": " per 10,000", "count": ""}
COLUMNS = ["Strategy", "Success measure", "Indicator", "Start", "Start figure", "End",
           "End figure", "Change", "Direction", "SPC verdict", "Commentary"]
# the figures as numbers beside the text (a spreadsheet can sum and chart them)
NUMBERS = ["Start value", "End value", "Change (number)", "Numerator", "Denominator"]


def years(months: list[pd.Timestamp]) -> list[str]:
    """Financial years with figures, newest first: ``2024-25`` runs April 2024 to March 2025."""
    found = {(m.year if m.month >= 4 else m.year - 1) for m in months}
    return [f"{y}-{(y + 1) % 100:02d}" for y in sorted(found, reverse=True)]


def year_end(year: str, months: list[pd.Timestamp]) -> pd.Timestamp:
    """The year's last month with figures (31 March, or the latest month of a current year)."""
    start = int(year[:4])
    end = pd.Timestamp(f"{start + 1}-03-31")
    within = [m for m in months if pd.Timestamp(f"{start}-04-30") <= m <= end]
    return max(within) if within else end


def _signals(spc: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> tuple[str, str]:
    """One measure's signalling months in the year, worded for the extract and, shorter, for
    the board pack (the same three figures): ("", "") when there is no month to count."""
    year = spc[(spc["period_end"] >= first) & (spc["period_end"] <= last)]
    if "hidden" in year.columns:  # a month hidden from the role is no evidence either way
        year = year[~year["hidden"].fillna(False).astype(bool)]
    if year.empty:
        return "", ""
    kinds = year["point_type"].fillna("").astype(str)
    improvement, concern = kinds.str.contains("improvement").sum(), kinds.str.contains(
        "concern").sum()
    return ((f"; in the year {improvement} month(s) signalled improvement and {concern} concern"
             f" (of {len(year)})"),
            f" (in the year: {improvement} of {len(year)} months improvement, {concern} concern)")


def build(role: str, year: str, short_verdicts: bool = False) -> pd.DataFrame:
    """The extract of ``year`` as ``role`` sees it: the figures (worked out once per published
    file, role and year, shared by every session), then the year-end commentary as it stands
    now (it is written between publishes). ``short_verdicts`` (the board pack's): the SPC
    verdict as its kind and the year's signalling months, not the whole sentence."""
    db = data.live()
    frame = _figures_cached(str(db.path), db.current(), role, year).copy()
    short = frame.pop("short_verdict")
    if short_verdicts:
        frame["SPC verdict"] = short
    months = data.periods("monthly") or data.periods()
    comments = commentary.for_month(year_end(year, months))
    ids = frame.pop("indicator_id")
    frame["Commentary"] = [comments[i].body if i in comments else "" for i in ids]
    return frame


@st.cache_resource(ttl=3600, max_entries=200, show_spinner=False)  # shared; build() copies
def _figures_cached(path: str, sig: tuple, role: str, year: str) -> pd.DataFrame:
    return _figures(role, year)


def _figures(role: str, year: str) -> pd.DataFrame:
    """The extract's rows without their commentary; ``indicator_id`` says whose it would be."""
    months = data.periods("monthly") or data.periods()
    end = year_end(year, months)
    first = pd.Timestamp(f"{year[:4]}-04-30")
    measures = data.strategies()
    rows = []
    # compared with the same month last year a row does not depend on the strategy asking
    # (scorecard._compared_row), so one scorecard of every measure serves each strategy (and
    # is the pack's own when the year is under way: built once, cached)
    card = scorecard.build(role, None, end, "last_year").set_index("indicator_id")
    every_spc = data.spc(role)  # read (and copied) once for every measure, not once each
    spc_of = dict(tuple(every_spc.groupby("indicator_id", sort=False)))  # and cut once
    no_spc = every_spc.iloc[0:0]
    for strategy, group in measures.groupby("strategy", sort=False):
        for m in group.itertuples():
            iid = m.indicator_id
            if not iid or iid not in card.index:
                rows.append([strategy, m.success_measure,
                             "not measurable from the extracts" if m.how_measured
                             == "not measurable" else "not computed yet",
                             "", fmt.NOT_AVAILABLE, "", fmt.NOT_AVAILABLE, fmt.NOT_AVAILABLE,
                             "", "", "", *[fmt.NOT_AVAILABLE] * len(NUMBERS), "", ""])
                continue
            r = card.loc[iid]
            change = fmt.NOT_AVAILABLE
            if r["value"] is not None and r["compared_value"] is not None:
                ndigits = 0 if r["unit"] == "count" else 1
                delta = round(float(r["value"]), ndigits) - round(float(r["compared_value"]),
                                                                   ndigits)
                # "up 2.4 percentage points": a leading + would be read as a formula
                change = ("no change" if delta == 0 else ("up " if delta > 0 else "down ")
                          + fmt.plain(abs(delta), r["unit"]) + CHANGE_UNITS.get(r["unit"], ""))
            elif r["hidden"] or r["direction"] == fmt.CONFIDENTIAL:
                change = fmt.CONFIDENTIAL
            when = r["period_end"]
            start_when = (None if when is None or pd.isna(when) else
                          when - pd.DateOffset(years=1) + pd.offsets.MonthEnd(0))
            verdict, short = r["variation_text"], r["verdict_kind"]
            if r["frequency"] == "monthly" and when is not None and not pd.isna(when):
                long_words, short_words = _signals(spc_of.get(iid, no_spc), first, when)
                verdict, short = verdict + long_words, short + short_words
            rows.append([
                strategy, m.success_measure, r["title"],
                scorecard.period_text(r, start_when) if start_when is not None else "",
                r["last_year_text"], r["period_text"], r["value_text"], change,
                (r["arrow"] + " " + r["direction"]).strip(), verdict,
                "", *_numbers(r), iid, short])
    return pd.DataFrame(rows, columns=COLUMNS + NUMBERS + ["indicator_id", "short_verdict"])


def _numbers(r) -> list[str]:
    """``NUMBERS`` of a scorecard row (scorecard.figure_cells)."""
    cells = scorecard.figure_cells(r)
    return [cells["Compared value (number)"], cells["Value (number)"], cells["Change (number)"],
            cells["Numerator"], cells["Denominator"]]
