"""Localities: where neglect is concentrated, each locality against the partnership."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import charts, data, ui
from dashboard import formatting as fmt

SIMILAR = 0.05  # within 5% of the partnership's value reads "similar"
FULL_SCALE = 0.3  # 30% better or worse is the strongest colour

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
places = [p for p in data.localities() if p != "Unknown"]
cells = data.values(role, agencies=["All"])
cells = cells[cells["period_end"] <= period]
# each indicator at its latest period up to the month chosen (termly: the latest term)
cells = cells[cells["period_end"] == cells.groupby("indicator_id")["period_end"].transform("max")]
base = cells[cells["locality"] == "All"][["indicator_id", "value", "hidden"]].rename(
    columns={"value": "base", "hidden": "base_hidden"})
m = (cells[cells["locality"].isin(places)]
     .merge(base, on="indicator_id", how="left")
     .merge(cat[["indicator_id", "title", "unit", "polarity", "frequency"]], on="indicator_id"))
polarity = m["polarity"].str.lower()
comparable = (~m["hidden"] & ~m["base_hidden"].fillna(True).astype(bool) & m["value"].notna()
              & m["base"].notna() & (m["base"] != 0) & (m["unit"] != "count"))
rel = ((m["value"] - m["base"]) / m["base"].abs()).where(comparable)
signed = np.where(polarity == "higher", rel, -rel)
judged = comparable & polarity.isin(["higher", "lower"])
m["word"] = np.select(
    [judged & (rel.abs() <= SIMILAR), judged & (signed > 0), judged & (signed < 0),
     comparable & ~judged],
    ["similar", "better", "worse", "context"], default="")
m["score"] = np.where(judged, np.clip(signed / FULL_SCALE, -1, 1),
                      np.where(comparable, 0.0, np.nan))
m["shown"] = [fmt.plain(v, u, h) for v, u, h in zip(m["value"], m["unit"], m["hidden"],
                                                      strict=True)]
m["label"] = (m["shown"] + " " + m["word"]).str.strip()

order = list(cat["title"])
scores = m.pivot(index="title", columns="locality", values="score").reindex(
    index=order, columns=places)
text = m.pivot(index="title", columns="locality", values="label").reindex(
    index=order, columns=places).fillna("")
fig = charts.heatmap(scores, text, f"Localities against the partnership, {fmt.month(period)}")
m = m.assign(order=m["title"].map({t: i for i, t in enumerate(order)}),
             place=m["locality"].map({p: i for i, p in enumerate(places)}))
m = m.sort_values(["order", "place"])
table = pd.DataFrame({
    "Indicator": m["title"],
    "Period": [fmt.period(d, f) for d, f in zip(m["period_end"], m["frequency"], strict=True)],
    "Locality": m["locality"], "Value": m["shown"],
    "Partnership": [fmt.plain(v, u, bool(h)) for v, u, h in
                    zip(m["base"], m["unit"], m["base_hidden"].fillna(False), strict=True)],
    "Compared with the partnership": m["word"].replace("", "not compared"),
    "Unit": m["unit"].map(fmt.unit_label)})
ui.chart_with_table(fig, table, f"localities-{period:%Y-%m}.csv", "localities",
                    caption="Counts are shown but not compared (localities differ in size); "
                            "rates per 10,000 and percentages are. Grey: similar (within 5%), "
                            "context, or not compared. c = confidential.")
