"""Localities: where neglect is concentrated, each locality against the partnership."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import charts, data, scorecard, ui
from dashboard import formatting as fmt
from metrics.funnel import Funnel, judged, overdispersion

# a verdict (metrics.funnel.judged) in the one word used for its category everywhere on
# this page: the cells, the legend, the table and the funnel plot
WORDS = {"possibly worse (outside 95% only)": "possibly worse",
         "possibly better (outside 95% only)": "possibly better",
         "higher than expected": "higher", "lower than expected": "lower",
         "higher (outside 95% only)": "possibly higher",
         "lower (outside 95% only)": "possibly lower"}


def word(verdict: str) -> str:
    return WORDS.get(verdict, verdict)


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

cat = data.catalogue()
cells = data.values(role, agencies=["All"], councils=None if council else [data.ALL])
cells = cells[cells["period_end"] <= period]
# each indicator at its latest period up to the month chosen (termly: the latest term)
cells = cells[cells["period_end"] == cells.groupby("indicator_id")["period_end"].transform("max")]
cells = data.with_place(cells)
# the places compared: below the chosen level, never an Unknown (no place, no population)
known = data.places()  # its row numbers are with_place's place_order
known = known[~known["locality"].map(data.is_unknown)]
if level != data.ALL:
    known = known[(known["council"] == level) & (known["level"] == "locality")]
places = list(known["place"])
is_base = (cells["council"] == level) & (cells["locality"] == "All")
base = cells[is_base][["indicator_id", "value", "hidden"]].rename(
    columns={"value": "base", "hidden": "base_hidden"})
m = (cells[cells["place_order"].isin(known.index) & ~is_base]
     .merge(base, on="indicator_id", how="left")
     .merge(cat[["indicator_id", "title", "unit", "polarity", "frequency",
                 *[c for c in ("period_kind", "window_lag_months") if c in cat.columns]]],
            on="indicator_id"))
adjust = st.checkbox("Allow for overdispersion (Spiegelhalter 2005)", key="loc_phi",
                     help="Widens the limits when localities differ more than chance alone "
                          "would make them (estimated from 10%-winsorised z-scores).")
polarity = m["polarity"].str.lower()
# a funnel needs independent units: attendance_eh's denominator is sessions, which cluster
# within a child, so binomial limits on it would call almost every locality unusual
NO_FUNNEL = {"attendance_eh"}
comparable = (~m["hidden"] & ~m["base_hidden"].fillna(True).astype(bool) & m["value"].notna()
              & m["base"].notna() & m["unit"].isin(["percent", "rate"])
              & (m["denominator"].fillna(0) > 0) & ~m["indicator_id"].isin(NO_FUNNEL))
phis = {}
# councils and localities are judged apart (a council is the sum of its localities)
if adjust:
    for key, part in m[comparable].groupby(["indicator_id", "level"]):
        phis[key] = overdispersion(part["unit"].iloc[0], part["base"].iloc[0], part["value"],
                                   part["denominator"])
verdicts = pd.Series("", index=m.index)
for key, part in m[comparable].groupby(["indicator_id", "level"]):  # one vectorised funnel each
    funnel = Funnel(part["unit"].iloc[0], part["base"].iloc[0], max(phis.get(key, 1.0), 1.0))
    verdicts.loc[part.index] = funnel.verdicts(part["value"], part["denominator"])
m["word"] = [word(judged(v, p)) for v, p in zip(verdicts, polarity, strict=True)]
# the cell's colour: its category (a context measure's higher or lower: as expected's colour)
m["category"] = [(w if w in charts.CATEGORY_WORDS else "as expected") if ok else None
                 for w, ok in zip(m["word"], comparable, strict=True)]
m["shown"] = [fmt.plain(v, u, h) for v, u, h in zip(m["value"], m["unit"], m["hidden"],
                                                      strict=True)]
# the cells say their category in the same words as the legend and the table ("as expected"
# is the colour alone; not compared: the figure alone)
m["label"] = [f"{shown} {w}" if ok and w != "as expected" else shown
              for shown, w, ok in zip(m["shown"], m["word"], comparable, strict=True)]

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
