"""Localities: where neglect is concentrated, each locality against the partnership."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import charts, data, locality_grid, scorecard, ui
from dashboard import formatting as fmt
from dashboard.locality_grid import word
from metrics.funnel import Funnel, judged, overdispersion

ui.require_db()
role = ui.role()
st.title("Localities")
st.write("Each locality's latest figure against the partnership's, judged with funnel-plot "
         "limits: a small locality varies more by chance than a large one, so a figure is "
         "called **worse** or **better** only when it lies outside the 99.8% limits for its "
         "size (red or green); **possibly worse** or **possibly better** when outside the 95% "
         "limits only (light shade); inside, **as expected**. Counts are not compared; "
         "context indicators say higher or lower only.")
months = data.periods("monthly") or data.periods()
# several councils: the partnership's councils and localities, or one council's localities
month_box, council_box = st.columns(2) if data.councils() else (st, None)
period = pd.Timestamp(month_box.selectbox("Month", months, format_func=fmt.month,
                                          key="loc_period"))
council = ui.council_choice("loc_council", council_box) if council_box else None
level = council or data.ALL
base_name = ui.level_name(council)  # what the places are compared with
ui.refreshed_note()

adjust = st.checkbox("Allow for overdispersion (Spiegelhalter 2005)", key="loc_phi",
                     help="Widens the limits when localities differ more than chance alone "
                          "would make them (estimated from 10%-winsorised z-scores).")
# the cells judged, once per published file, month, council and choice (locality_grid.py)
g = locality_grid.grid(role, period, council, adjust)
cat, cells, is_base, known, m, comparable = g.cat, g.cells, g.is_base, g.known, g.m, g.comparable
places = list(known["place"])

order = list(cat["title"])
scores = m.pivot(index="title", columns="place", values="category").reindex(
    index=order, columns=places)
text = m.pivot(index="title", columns="place", values="label").reindex(
    index=order, columns=places).fillna("")
against = ("Localities against the partnership" if council is None else
           "Councils and localities against the partnership" if level == data.ALL else
           f"Localities of {level} against the council")
fig = charts.heatmap(scores, text, f"{against}, {fmt.month(period)}",
                     "the partnership" if level == data.ALL else "the council")
m = m.assign(order=m["title"].map({t: i for i, t in enumerate(order)}))
m = m.sort_values(["order", "place_order"])
compared = "Compared with the partnership" if level == data.ALL else "Compared with the council"
# each locality's deprivation beside its figures, to tell poverty from neglect
deprived, DEPRIVATION = data.deprivation(), "Deprivation (IDACI decile, 1 = most deprived)"
table = pd.DataFrame({
    "Indicator": m["title"],
    "Period": [scorecard.period_text(r, r["period_end"]) for _, r in m.iterrows()],
    **({"Council": m["council"]} if council is not None else {}),
    "Locality": m["locality"],
    **({DEPRIVATION: [str(deprived[n]) if n in deprived else fmt.NOT_AVAILABLE
                      for n in m["locality"]]} if deprived else {}),
    "Value": m["shown"],
    base_name: [fmt.plain(v, u, bool(h)) for v, u, h in
                zip(m["base"], m["unit"], m["base_hidden"].fillna(False), strict=True)],
    compared: m["word"],
    "Unit": m["unit"].map(fmt.unit_label)})
ui.narrow_list(m, "chart_localities", f"{against}, {fmt.month(period)}")
ui.chart_with_table(fig, table, f"localities{ui.council_slug(council)}-{period:%Y-%m}.csv",
                    "localities",
                    caption="Counts are shown but not compared (localities differ in size); "
                            "rates per 10,000 (exact Poisson limits, the population as "
                            "exposure) and percentages (exact binomial limits) are; school attendance "
                            "is not (its sessions cluster within children). A figure alone on "
                            "grey: as expected; possibly worse or better: outside the 95% limits "
                            "only; a figure on white: not compared. c = confidential, not "
                            "compared. Unknown (children with no postcode, or one that matches "
                            "no locality) is not a place and has no population: it is not "
                            "compared, and is in the explorer's table.")

st.header("Funnel plot", divider="gray")
st.write("Each locality as a point: its figure against its size (the denominator). The "
         "funnel narrows as size grows: the limits show how far from the partnership a place "
         "of that size can be by chance alone.")
funnel_ids = [i for i in cat["indicator_id"] if i in set(m.loc[comparable, "indicator_id"])]
if not funnel_ids:
    st.info("No rate or percentage has localities to compare for this month.")
else:
    titles = dict(zip(cat["indicator_id"], cat["title"], strict=True))
    left, right = st.columns(2)
    chosen = left.selectbox("Indicator", funnel_ids, format_func=lambda i: titles.get(i, i),
                            key="loc_funnel")
    ind = cat.set_index("indicator_id").loc[chosen]
    units = (["Localities"] + (["Councils"] if level == data.ALL and council else [])
             + (["Agencies"] if ind["breakdown"] == "locality_agency" else []))
    # a choice only when there is one
    compare = right.radio("Compare", units, horizontal=True, key="loc_funnel_by") \
        if len(units) > 1 else units[0]
    if compare == "Agencies":
        names = data.agencies().set_index("agency_code")["agency_name"].to_dict()
        pts = data.values(role, indicator_ids=[chosen], localities=["All"], councils=[level])
        pts = pts[pts["period_end"] == m.loc[m["indicator_id"] == chosen, "period_end"].iloc[0]]
        base_row = pts[pts["agency"] == "All"].iloc[0]
        pts = pts[pts["agency"] != "All"].assign(
            name=lambda f: f["agency"].map(lambda a: names.get(a, a)))
    else:
        pts = m[(m["indicator_id"] == chosen)
                & (m["level"] == ("council" if compare == "Councils" else "locality"))]
        pts = pts.assign(name=pts["place"])
        base_row = cells[(cells["indicator_id"] == chosen) & is_base].iloc[0]
    # suppressed places are not plotted for restricted viewers (their size would show); each
    # place left out is named with the reason, never dropped without a word
    plotted = ~pts["hidden"] & pts["value"].notna() & (pts["denominator"].fillna(0) > 0)
    left_out = [f"{fmt.as_text(n)} ({why})" for n, why in zip(pts.loc[~plotted, "name"], [
        "confidential: based on 1 to 5 children or records, or could reveal one" if h else
        "no figure for this period" if pd.isna(v) else "no one counted (denominator 0)"
        for h, v in zip(pts.loc[~plotted, "hidden"], pts.loc[~plotted, "value"],
                        strict=True)], strict=True)]
    pts = pts[plotted]
    unit, target = ind["unit"], float(base_row["value"])
    phi = max(overdispersion(unit, target, pts["value"], pts["denominator"]), 1.0) if adjust \
        else 1.0
    funnel = Funnel(unit, target, phi)
    pts = pts.assign(verdict=[word(judged(v, str(ind["polarity"]).lower()))
                              for v in funnel.verdicts(pts["value"], pts["denominator"])])
    top = float(pts["denominator"].max()) * 1.15 if not pts.empty else 100.0
    bottom = max(1.0, float(pts["denominator"].min()) * 0.3) if not pts.empty else 1.0
    sizes = np.unique(np.geomspace(bottom, max(top, bottom + 1), 120).round())
    curves = pd.DataFrame({"denominator": sizes, **funnel.limit_table(sizes)})
    fig = charts.funnel(pts, curves, target, f"{titles[chosen]}: {compare.lower()} against "
                        f"the {'partnership' if level == data.ALL else 'council, ' + level}, "
                        f"{scorecard.period_text(ind, base_row['period_end'])}", unit,
                        base_name)
    funnel_table = pd.DataFrame({
        **({"Council": pts["council"] if compare != "Agencies" else level}
           if council is not None else {}),
        {"Agencies": "Agency", "Councils": "Council"}.get(compare, "Locality"): pts["name"],
        "Value": [fmt.plain(v, unit) for v in pts["value"]],
        "Denominator": [fmt.figure(d) for d in pts["denominator"]],
        "Verdict": pts["verdict"]})
    ui.chart_with_table(fig, funnel_table,
                        f"funnel-{chosen}{ui.council_slug(council)}-{period:%Y-%m}.csv", "funnel",
                        caption=f"{base_name} {fmt.number(target, unit)}. Limits: 95% "
                                "(dashed) and 99.8% (solid)"
                                + (f", widened for overdispersion (phi {phi:.2f})"
                                   if phi > 1 else "") + ".")
    what = {"Agencies": "agencies", "Councils": "councils"}.get(compare, "localities")
    if left_out:
        st.info(f"Not plotted ({len(left_out)} of {len(left_out) + len(pts)} {what}): "
                + "; ".join(left_out) + ".", icon=":material/visibility_off:")
