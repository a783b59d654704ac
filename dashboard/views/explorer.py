"""Indicator explorer: the XmR chart, localities and agencies over time, and the figures."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data, scorecard, ui
from dashboard import formatting as fmt

ui.require_db()
role = ui.role()
cat = data.catalogue()
ids = list(cat["indicator_id"])
titles = dict(zip(cat["indicator_id"], cat["title"], strict=True))

wanted = st.query_params.get("indicator")
if "ex_indicator" not in st.session_state or (wanted in ids and wanted != st.session_state.get(
        "ex_last_param")):
    st.session_state["ex_indicator"] = wanted if wanted in ids else ids[0]
    st.session_state["ex_last_param"] = wanted

st.title("Indicator explorer")
indicator = st.selectbox("Indicator", ids, format_func=lambda i: titles.get(i, i),
                         key="ex_indicator")
st.query_params["indicator"] = indicator
st.session_state["ex_last_param"] = indicator
ind = cat.set_index("indicator_id").loc[indicator]
unit, polarity, frequency = ind["unit"], str(ind["polarity"]).lower(), ind["frequency"]
title = ind["title"]
ui.refreshed_note()

targets = data.targets().set_index("indicator_id")
target = float(targets.loc[indicator, "target"]) if indicator in targets.index else None
bench = data.benchmarks()
bench = bench[bench["indicator_id"] == indicator]

main, side = st.columns([3, 1], gap="large")
with side, st.container(border=True):
    st.subheader("Definition")
    st.write(str(ind.get("definition") or "Not recorded."))
    facts = {
        "Measured as": fmt.unit_label(unit),
        "Better when": scorecard.POLARITY_WORDS.get(polarity, polarity),
        "Frequency": frequency,
        "Numerator": ind.get("numerator_label") or fmt.NOT_AVAILABLE,
        "Denominator": ind.get("denominator_label") or fmt.NOT_APPLICABLE,
        "Breakdown": "locality and agency" if ind["breakdown"] == "locality_agency"
        else "locality",
        "Target": fmt.number(target, unit) if target is not None else "no target",
        "Strategies": ind.get("strategies") or "none",
    }
    st.markdown("\n".join(f"- **{k}:** {v}" for k, v in facts.items()))
    if not bench.empty:
        st.markdown("**Benchmarks**")
        st.markdown("\n".join(
            f"- {b.geography} {fmt.number(b.value, unit)} ({b.period_label}). Source: {b.source}"
            for b in bench.sort_values("period_label", ascending=False).itertuples()))

with main:
    st.header("Partnership over time", divider="gray")
    if frequency == "monthly":
        series = data.spc(role, indicator)
        fig = charts.xmr(series, f"{title}: partnership, XmR chart", unit, target, bench)
        signals = series[series["point_type"].fillna("common_cause") != "common_cause"]
        table = ui.disclosed_table(series.assign(numerator=None, denominator=None), unit, {
            "period_end": "Month end", "value": "Value", "mean": "Mean",
            "lpl": "Lower process limit", "upl": "Upper process limit",
            "point_label": "Rule", "point_type": "Signal"})
        for col in ("Mean", "Lower process limit", "Upper process limit"):
            table[col] = table[col].map(lambda v: fmt.plain(v, unit))
        table["Rule"] = table["Rule"].fillna("")
        table["Signal"] = table["Signal"].fillna("").str.replace("_", " ")
        ui.chart_with_table(fig, table, f"{indicator}-xmr.csv", "xmr")
        note = series["note"].dropna().iloc[0] if series["note"].notna().any() else None
        if note:
            st.info(note)
        if signals.empty:
            st.write("No special-cause signals: the variation is what this process "
                     "usually shows.")
        else:
            st.markdown("**Signals** (points that meet a Making Data Count rule):")
            lines = []
            for r in signals.sort_values("period_end", ascending=False).head(12).itertuples():
                kind = ("an improvement" if "improvement" in r.point_type else
                        "a concern" if "concern" in r.point_type else
                        "neither better nor worse")
                lines.append(f"- {fmt.month(r.period_end)}: {fmt.number(r.value, unit)}, "
                             f"{r.point_label}, which is **{kind}** for this indicator")
            st.markdown("\n".join(lines))
            st.caption("Rules: a point outside the process limits; 7 points in a row above or "
                       "below the mean; 7 points in a row rising or falling; 2 of 3 points "
                       "close to a limit on the same side.")
    else:
        series = data.values(role, indicator_ids=[indicator], localities=["All"],
                             agencies=["All"])
        fig = charts.lines(series.assign(group="All"), "group",
                           f"{title}: partnership, by term", unit)
        table = ui.disclosed_table(series, unit, {"period_end": "Term end",
                                                  "numerator": "Numerator",
                                                  "denominator": "Denominator", "value": "Value"})
        ui.chart_with_table(fig, table, f"{indicator}-partnership.csv", "termly")
        st.caption("Termly indicators have too few points for an XmR chart.")

    st.header("Localities compared", divider="gray")
    by_loc = data.values(role, indicator_ids=[indicator], agencies=["All"])
    fig = charts.lines(by_loc, "locality", f"{title}: by locality", unit)
    st.plotly_chart(fig, key="chart_localities", config={"displaylogo": False})
    st.caption("The figures behind this chart are in the table at the foot of the page.")

    if ind["breakdown"] == "locality_agency":
        st.header("Agencies", divider="gray")
        names = data.agencies().set_index("agency_code")["agency_name"].to_dict()
        by_agency = data.values(role, indicator_ids=[indicator], localities=["All"])
        latest = by_agency["period_end"].max()
        now = by_agency[(by_agency["period_end"] == latest)].copy()
        now["agency_name"] = now["agency"].map(lambda a: "Partnership (All)" if a == "All"
                                               else names.get(a, a))
        fig = charts.bars(now, "agency_name", f"{title}: by agency, {fmt.month(latest)}", unit)
        agency_table = ui.disclosed_table(now, unit, {"agency": "Agency code",
                                                      "agency_name": "Agency",
                                                      "numerator": "Numerator",
                                                      "denominator": "Denominator",
                                                      "value": "Value"})
        ui.chart_with_table(fig, agency_table, f"{indicator}-agencies-{latest:%Y-%m}.csv",
                            "agencies")

st.header("Figures by period and locality", divider="gray")
figures = data.values(role, indicator_ids=[indicator], agencies=["All"])
figures = figures.sort_values(["period_end", "locality"], ascending=[False, True])
figures_table = ui.disclosed_table(figures, unit, {
    "period_end": "Period end", "locality": "Locality", "numerator": "Numerator",
    "denominator": "Denominator", "value": "Value"})
st.dataframe(figures_table, hide_index=True, key="table_figures")
ui.download_csv(figures_table, f"{indicator}-by-locality.csv", "figures",
                label="Download the figures (CSV)")
st.caption(f"Value: {fmt.unit_label(unit)}. c = confidential (1 to 5 children or records, or "
           "could reveal one), x = not available, z = not applicable.")
