"""The agency view's measures of a sector's own work (catalogue ``agency_sectors``): health
providers' missed appointments, the police's domestic abuse notifications and Operation
Encompass ... shown to that sector's champions as the partnership figure, since these
indicators have no agency breakdown."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, scorecard, ui
from dashboard import formatting as fmt


def render(role: str, agency: str, name: str, latest: pd.Timestamp, level: str) -> None:
    sectors = data.agencies().set_index("agency_code")["sector"].to_dict()
    sector = sectors.get(agency)
    ids = data.sector_measures(sector if isinstance(sector, str) else None)
    if not ids:
        return
    cat = data.catalogue().set_index("indicator_id").loc[ids]
    st.header(f"Measures of {fmt.as_text(str(sector).lower())} work", divider="gray")
    st.write(f"Figures about the part {fmt.as_text(name)} and the other "
             f"{fmt.as_text(str(sector).lower())} agencies play, for the whole "
             f"{'partnership' if level == data.ALL else fmt.as_text(level)}: they are not "
             "recorded agency by agency.")
    vals = data.values(role, indicator_ids=ids, localities=["All"], agencies=["All"],
                       councils=[level])
    vals = vals[vals["period_end"] <= latest]
    vals = vals[vals["period_end"] == vals.groupby("indicator_id")["period_end"].transform("max")]
    rows = []
    for iid in ids:
        ind, cell = cat.loc[iid], vals[vals["indicator_id"] == iid]
        r = None if cell.empty else cell.iloc[0]
        rows.append({
            "Indicator": ind["title"],
            "Period": fmt.NOT_AVAILABLE if r is None else scorecard.period_text(
                ind, r["period_end"]),
            "Value": fmt.number(None if r is None else r["value"], ind["unit"],
                                bool(r is not None and r["hidden"])),
            "Better when": scorecard.POLARITY_WORDS.get(str(ind["polarity"]).lower(), ""),
            "Definition": ind.get("definition") or ""})
    table = pd.DataFrame(rows)
    st.dataframe(table, hide_index=True, key="table_agency_sector")
    ui.download_csv(table, f"{agency}-sector-measures-{latest:%Y-%m}.csv", "agency_sector")
