"""The localities page's figures without Streamlit: each place's latest cell of every indicator
against its level's, judged with funnel-plot limits (``metrics.funnel``). Worked out once per
published file, role, month, council and overdispersion choice, shared by every session."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import charts, data
from dashboard import formatting as fmt
from metrics.funnel import Funnel, judged, overdispersion

# a verdict (metrics.funnel.judged) in the one word used for its category everywhere on
# the page: the cells, the legend, the table and the funnel plot
WORDS = {"possibly worse (outside 95% only)": "possibly worse",
         "possibly better (outside 95% only)": "possibly better",
         "higher than expected": "higher", "lower than expected": "lower",
         "higher (outside 95% only)": "possibly higher",
         "lower (outside 95% only)": "possibly lower"}
# a funnel needs independent units: attendance_eh's denominator is sessions, which cluster
# within a child, so binomial limits on it would call almost every locality unusual
NO_FUNNEL = {"attendance_eh"}


def word(verdict: str) -> str:
    return WORDS.get(verdict, verdict)


@dataclass(frozen=True)
class Grid:
    cat: pd.DataFrame  # the catalogue
    cells: pd.DataFrame  # each indicator's latest cells up to the month, with their place
    is_base: pd.Series  # cells: the level's own row (the partnership's, or the council's)
    known: pd.DataFrame  # the places compared (index: with_place's place_order)
    m: pd.DataFrame  # a row per place and indicator: base, word, category, shown, label
    comparable: pd.Series  # m: judged with a funnel


def grid(role: str, period: pd.Timestamp, council: str | None, adjust: bool) -> Grid:
    """The page's cells for ``role`` at ``period`` (a copy: change it freely)."""
    db = data.live()
    shared = _grid_cached(str(db.path), db.current(), role, pd.Timestamp(period), council,
                          bool(adjust))
    return Grid(*(part.copy() for part in (shared.cat, shared.cells, shared.is_base,
                                           shared.known, shared.m, shared.comparable)))


@st.cache_resource(ttl=3600, max_entries=500, show_spinner=False)  # shared; grid() copies
def _grid_cached(path: str, sig: tuple, role: str, period: pd.Timestamp, council: str | None,
                 adjust: bool) -> Grid:
    return _grid(role, period, council, adjust)


def _grid(role: str, period: pd.Timestamp, council: str | None, adjust: bool) -> Grid:
    level = council or data.ALL
    cat = data.catalogue()
    cells = data.values(role, agencies=["All"], councils=None if council else [data.ALL])
    cells = cells[cells["period_end"] <= period]
    # each indicator at its latest period up to the month chosen (termly: the latest term)
    cells = cells[cells["period_end"]
                  == cells.groupby("indicator_id")["period_end"].transform("max")]
    cells = data.with_place(cells)
    # the places compared: below the chosen level, never an Unknown (no place, no population)
    known = data.places()  # its row numbers are with_place's place_order
    known = known[~known["locality"].map(data.is_unknown)]
    if level != data.ALL:
        known = known[(known["council"] == level) & (known["level"] == "locality")]
    is_base = (cells["council"] == level) & (cells["locality"] == "All")
    base = cells[is_base][["indicator_id", "value", "hidden"]].rename(
        columns={"value": "base", "hidden": "base_hidden"})
    m = (cells[cells["place_order"].isin(known.index) & ~is_base]
         .merge(base, on="indicator_id", how="left")
         .merge(cat[["indicator_id", "title", "unit", "polarity", "frequency",
                     *[c for c in ("period_kind", "window_lag_months") if c in cat.columns]]],
                on="indicator_id"))
    polarity = m["polarity"].str.lower()
    comparable = (~m["hidden"] & ~m["base_hidden"].fillna(True).astype(bool)
                  & m["value"].notna() & m["base"].notna()
                  & m["unit"].isin(["percent", "rate"])
                  & (m["denominator"].fillna(0) > 0) & ~m["indicator_id"].isin(NO_FUNNEL))
    phis = {}
    # councils and localities are judged apart (a council is the sum of its localities)
    if adjust:
        for key, part in m[comparable].groupby(["indicator_id", "level"]):
            phis[key] = overdispersion(part["unit"].iloc[0], part["base"].iloc[0],
                                       part["value"], part["denominator"])
    verdicts = pd.Series("", index=m.index)
    for key, part in m[comparable].groupby(["indicator_id", "level"]):  # a vectorised funnel each
        funnel = Funnel(part["unit"].iloc[0], part["base"].iloc[0], max(phis.get(key, 1.0), 1.0))
        verdicts.loc[part.index] = funnel.verdicts(part["value"], part["denominator"])
    m["word"] = [word(judged(v, p)) for v, p in zip(verdicts, polarity, strict=True)]
    # the cell's colour: its category (a context measure's higher or lower: as expected's colour)
    m["category"] = [(w if w in charts.CATEGORY_WORDS else "as expected") if ok else None
                     for w, ok in zip(m["word"], comparable, strict=True)]
    m["shown"] = [fmt.plain(v, u, h) for v, u, h in zip(m["value"], m["unit"], m["hidden"],
                                                          strict=True)]
    # the cells say their category in the same words as the legend and the table ("as
    # expected" is the colour alone; not compared: the figure alone)
    m["label"] = [f"{shown} {w}" if ok and w != "as expected" else shown
                  for shown, w, ok in zip(m["shown"], m["word"], comparable, strict=True)]
    return Grid(cat, cells, is_base, known, m, comparable)
