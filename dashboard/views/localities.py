"""Localities: where neglect is concentrated, each locality against the partnership."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import charts, data, ui
from dashboard import formatting as fmt

SIMILAR = 0.05  # within 5% of the partnership's value reads "similar"

ui.require_db()
role = ui.role()
st.title("Localities")
st.write("Each locality's latest figure beside the partnership's. Green means better than the "
         "partnership, red worse (by each indicator's polarity); the words say the same. "
         "Context indicators are not judged.")
months = data.periods("monthly") or data.periods()
period = pd.Timestamp(st.selectbox("Month", months, format_func=fmt.month, key="loc_period"))
ui.refreshed_note()

cat = data.catalogue()
cells = data.values(role, agencies=["All"])
cells = cells[cells["period_end"] <= period]
# each indicator at its latest period up to the month chosen (termly: the latest term)
latest = cells.groupby("indicator_id")["period_end"].transform("max")
cells = cells[cells["period_end"] == latest]
partnership = cells[cells["locality"] == "All"].set_index("indicator_id")
places = [p for p in data.localities() if p != "Unknown"]
meta = cat.set_index("indicator_id")

scores = pd.DataFrame(np.nan, index=cat["title"], columns=places)
text = pd.DataFrame("", index=cat["title"], columns=places)
rows = []
for iid, ind in meta.iterrows():
    unit, polarity = ind["unit"], str(ind["polarity"]).lower()
    base = partnership.loc[iid] if iid in partnership.index else None
    base_v = None if base is None or base["hidden"] else base["value"]
    for place in places:
        hit = cells[(cells["indicator_id"] == iid) & (cells["locality"] == place)]
        if hit.empty:
            continue
        c = hit.iloc[0]
        shown = fmt.plain(c["value"], unit, bool(c["hidden"]))
        word = ""
        if not c["hidden"] and pd.notna(c["value"]) and base_v is not None and pd.notna(base_v) \
                and base_v != 0 and unit != "count":
            rel = (float(c["value"]) - float(base_v)) / abs(float(base_v))
            if polarity in ("higher", "lower"):
                signed = rel if polarity == "higher" else -rel
                word = "similar" if abs(rel) <= SIMILAR else ("better" if signed > 0 else "worse")
                scores.loc[ind["title"], place] = float(np.clip(signed / 0.3, -1, 1))
            else:
                word = "context"
                scores.loc[ind["title"], place] = 0.0
        text.loc[ind["title"], place] = f"{shown} {word}".strip()
        rows.append({"Indicator": ind["title"], "Period": fmt.period(c["period_end"],
                                                                      ind["frequency"]),
                     "Locality": place, "Value": shown,
                     "Partnership": fmt.plain(base_v, unit, base is not None and
                                              bool(base["hidden"])),
                     "Compared with the partnership": word or "not compared",
                     "Unit": fmt.unit_label(unit)})

fig = charts.heatmap(scores, text, f"Localities against the partnership, {fmt.month(period)}")
table = pd.DataFrame(rows)
ui.chart_with_table(fig, table, f"localities-{period:%Y-%m}.csv", "localities",
                    caption="Counts are shown but not compared (localities differ in size); "
                            "rates per 10,000 and percentages are. Grey: similar (within 5%), "
                            "context, or not compared. c = confidential.")
