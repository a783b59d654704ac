"""Agency view for neglect champions: one agency's figures against the partnership."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, ui
from dashboard import formatting as fmt

ui.require_db()
role = ui.role()
st.title("Agency view")
st.write("For an agency's neglect champion: the referrals it makes, the early help it leads "
         "and the neglect tools it completes, against the whole partnership, over time.")

agencies = data.agencies()
names = agencies.set_index("agency_code")["agency_name"].to_dict()
codes = list(agencies["agency_code"])
if not codes:
    st.info("No agencies are configured (seeds/agencies.csv).")
    st.stop()
agency = st.selectbox("Agency", codes, format_func=lambda c: f"{names.get(c, c)} ({c})",
                      key="ag_agency")
name = names.get(agency, agency)
ui.refreshed_note()

cat = data.catalogue()
cat = cat[cat["breakdown"] == "locality_agency"]
vals = data.values(role, indicator_ids=list(cat["indicator_id"]), localities=["All"],
                   agencies=[agency, "All"])
latest = vals["period_end"].max()

# referrals made: the denominator of re-referrals is every referral in the rolling 12 months
summary = []
if "rereferral" in set(cat["indicator_id"]):
    ref = vals[vals["indicator_id"] == "rereferral"].copy()
    ref["value"], ref["numerator"] = ref["denominator"], ref["denominator"]
    ref["denominator"] = None
    st.header("Referrals made (rolling 12 months)", divider="gray")
    ag = ref[ref["agency"] == agency].copy()
    ag["agency"] = name
    fig = charts.lines(ag, "agency", f"Referrals from {name}", "count", highlight=None)
    ui.chart_with_table(fig, ui.disclosed_table(ag, "count", {
        "period_end": "Month end", "value": "Referrals"}), f"{agency}-referrals.csv",
        "referrals")

for _, ind in cat.iterrows():
    iid, unit, title = ind["indicator_id"], ind["unit"], ind["title"]
    series = vals[vals["indicator_id"] == iid].copy()
    if series.empty:
        continue
    series["who"] = series["agency"].map(lambda a: "All" if a == "All" else name)
    now = series[series["period_end"] == series["period_end"].max()]
    mine = now[now["agency"] == agency]
    everyone = now[now["agency"] == "All"]
    st.header(title, divider="gray")
    m1, m2, m3 = st.columns(3)
    mv = mine.iloc[0] if not mine.empty else None
    pv = everyone.iloc[0] if not everyone.empty else None
    m1.metric(f"{name}, {fmt.month(latest)}",
              fmt.number(None if mv is None else mv["value"], unit,
                         bool(mv is not None and mv["hidden"])))
    m2.metric("Partnership", fmt.number(None if pv is None else pv["value"], unit,
                                        bool(pv is not None and pv["hidden"])))
    if unit == "count" and mv is not None and pv is not None and not mv["hidden"] \
            and not pv["hidden"] and pv["value"]:
        m3.metric(f"{name}'s share of the partnership",
                  f"{float(mv['value']) / float(pv['value']) * 100:.1f}%")
    summary.append({"Indicator": title,
                    "Agency": fmt.number(None if mv is None else mv["value"], unit,
                                         bool(mv is not None and mv["hidden"])),
                    "Partnership": fmt.number(None if pv is None else pv["value"], unit,
                                              bool(pv is not None and pv["hidden"]))})
    if unit == "count":
        fig = charts.lines(series[series["agency"] == agency], "who",
                           f"{title}: {name}", unit, highlight=None)
    else:
        fig = charts.lines(series, "who", f"{title}: {name} and the partnership", unit)
    table = ui.disclosed_table(series.sort_values(["period_end", "agency"]), unit, {
        "period_end": "Month end", "who": "Agency", "numerator": "Numerator",
        "denominator": "Denominator", "value": "Value"})
    ui.chart_with_table(fig, table, f"{agency}-{iid}.csv", f"ag_{iid}")

if summary:
    st.header("Summary", divider="gray")
    frame = pd.DataFrame(summary)
    st.dataframe(frame, hide_index=True, key="table_agency_summary")
    ui.download_csv(frame, f"{agency}-summary-{latest:%Y-%m}.csv", "agency_summary")
