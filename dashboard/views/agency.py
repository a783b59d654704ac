"""Agency view for neglect champions: one agency's figures against the partnership."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, ui
from dashboard import formatting as fmt

REFERRALS = "Referrals made"

ui.require_db()
role = ui.role()
st.title("Agency view")
st.write("For an agency's neglect champion: the referrals it makes, the early help it leads, "
         "its outcomes and step-ups, and the neglect tools it completes, against the whole "
         "partnership, over time. Each figure covers the 12 months to the month shown.")

agencies = data.agencies()
names = agencies.set_index("agency_code")["agency_name"].to_dict()
codes = list(agencies["agency_code"])
if not codes:
    st.info("No agencies are configured (seeds/agencies.csv).")
    st.stop()
# a champion opens on their own agency; anyone else chooses (no agency is everyone's default:
# police or health would otherwise open on children's social care's zeros)
own = data.own_agency(role)
several = bool(data.councils())
left, right, *third = st.columns(3 if several else 2)
agency = left.selectbox("Which agency?", codes, index=codes.index(own) if own in codes else None,
                        placeholder="Choose an agency", key="ag_agency",
                        format_func=lambda c: f"{names.get(c, c)} ({c})")
months = data.periods("monthly")
month = right.selectbox("Month", months, format_func=fmt.month, key="ag_month",
                        help="The latest month is selected first; each figure covers the 12 "
                             "months to the month chosen.") if months else None
# several councils: the agency's figures in the partnership or in one council
council = ui.council_choice("ag_council", third[0]) if several else None
level = council or data.ALL
whole = ui.level_name(council)  # what the agency is set against
ui.refreshed_note()


def tools_by_tool(when) -> None:
    """The partnership's neglect tools by tool (every agency together) for ``when``."""
    st.header("Neglect tools by tool, across the partnership", divider="gray")
    st.write("Which tools the partnership's agencies complete (GCP2, WeCAN, the Neglect "
             "Toolkit, or a local tool) and how often a rescore shows improvement, for the 12 "
             f"months to {fmt.month(when)}: every agency's assessments together.")
    rows = []
    for tool_indicator, tool_unit in (("neglect_tools_completed", "count"),
                                      ("neglect_tools_improved", "percent")):
        cells = data.breakdowns(role, tool_indicator)
        cells = cells[(cells["dimension"] == "tool") & (cells["period_end"] == when)]
        rows.append(cells.assign(indicator=tool_titles.get(tool_indicator, tool_indicator),
                                 tool_unit=tool_unit))
    tools = pd.concat(rows, ignore_index=True)
    if tools.empty:
        st.info("No neglect tool figures for this month.")
        return
    completed = tools[tools["tool_unit"] == "count"].reset_index(drop=True)
    completed["tool"] = completed["category"].map(lambda c: "All tools" if c == "All" else c)
    fig = charts.bars(completed, "tool", f"Neglect tools completed by tool, 12 months to {fmt.month(when)}",
                      "count")
    table = pd.concat([
        ui.disclosed_table(part, unit_of, {"indicator": "Indicator", "category": "Tool",
                                           "numerator": "Numerator",
                                           "denominator": "Denominator", "value": "Value"})
        for unit_of, part in tools.groupby("tool_unit", sort=False)], ignore_index=True)
    ui.chart_with_table(fig, table, f"neglect-tools-by-tool-{when:%Y-%m}.csv", "agency_tools")


tool_titles = dict(zip(data.catalogue()["indicator_id"], data.catalogue()["title"], strict=True))
if month is None:
    st.info("No figures yet: the pipeline has not published a month.")
    st.stop()
if agency is None:
    st.info("Choose your agency above to see its referrals, early help, outcomes, neglect "
            "tools and the figures it enters by hand, against the whole partnership.")
    tools_by_tool(pd.Timestamp(month))
    st.stop()
name = names.get(agency, agency)
if whole == name:  # an agency named like its council: two columns all the same
    whole = f"{whole} (all agencies)"

cat = data.catalogue()
cat = cat[cat["breakdown"] == "locality_agency"]
vals = data.values(role, indicator_ids=list(cat["indicator_id"]), localities=["All"],
                   agencies=[agency, "All"], councils=[level])
titles = dict(zip(cat["indicator_id"], cat["title"], strict=True))
units = dict(zip(cat["title"], cat["unit"], strict=True))
vals["indicator"] = vals["indicator_id"].map(titles)
if "rereferral" in titles:
    # referrals made: every referral in the rolling 12 months is re-referrals' denominator
    ref = vals[vals["indicator_id"] == "rereferral"].copy()
    ref["numerator"], ref["value"], ref["denominator"] = ref["denominator"], ref["denominator"], None
    ref["indicator_id"], ref["indicator"] = "referrals", REFERRALS
    vals = pd.concat([ref, vals], ignore_index=True)
    units[REFERRALS] = "count"
vals["who"] = vals["agency"].map(lambda a: "All" if a == "All" else name)
latest = pd.Timestamp(month)
vals = vals[vals["period_end"] <= latest]
targets = data.targets().set_index("indicator_id")["target"].to_dict()
ids_by_title = {t: i for i, t in titles.items()}

st.header(f"{fmt.as_text(name)} in {fmt.month(latest)}"
          + ("" if level == data.ALL else f", {fmt.as_text(level)}"), divider="gray")
now = vals[vals["period_end"] == latest]
mine = now[now["agency"] == agency].set_index("indicator")
everyone = now[now["agency"] == "All"].set_index("indicator")
summary, figures = [], []  # figures: the same as numbers, for the CSV
for indicator in [REFERRALS, *cat["title"]]:
    if indicator not in units:
        continue
    unit = units[indicator]
    m = mine.loc[indicator] if indicator in mine.index else None
    p = everyone.loc[indicator] if indicator in everyone.index else None
    share = ""
    if unit == "count" and m is not None and p is not None and not m["hidden"] \
            and not p["hidden"] and p["value"]:
        share = f"{float(m['value']) / float(p['value']) * 100:.1f}%"
    summary.append({
        "Indicator": indicator,
        name: fmt.number(None if m is None else m["value"], unit, bool(m is not None and
                                                                      m["hidden"])),
        whole: fmt.number(None if p is None else p["value"], unit,
                          bool(p is not None and p["hidden"])),
        ("Share of the partnership" if level == data.ALL else f"Share of {level}"):
            share or fmt.NOT_APPLICABLE,
        "Partnership target": (fmt.number(targets[ids_by_title[indicator]], unit)
                               if ids_by_title.get(indicator) in targets else "no target")})
    figures.append({
        "Agency value (number)": fmt.figure(None if m is None else m["value"], unit,
                                            bool(m is not None and m["hidden"])),
        f"{'Partnership' if level == data.ALL else 'Council'} value (number)": fmt.figure(
            None if p is None else p["value"], unit, bool(p is not None and p["hidden"])),
        "Share (number)": share[:-1] if share else fmt.NOT_APPLICABLE,
        "Target (number)": (fmt.figure(targets[ids_by_title[indicator]], unit)
                            if ids_by_title.get(indicator) in targets else fmt.NOT_AVAILABLE)})
summary = pd.DataFrame(summary)
if council is not None:  # several councils: which level these figures are
    summary.insert(0, "Council", level)
slug = ui.council_slug(council)
st.dataframe(summary, hide_index=True, key="table_agency_summary")
as_shown = {c: f"{c} as shown" for c in (name, whole) if c in summary.columns}
ui.download_csv(pd.concat([summary.rename(columns=as_shown), pd.DataFrame(figures)], axis=1),
                f"{agency}{slug}-summary-{latest:%Y-%m}.csv", "agency_summary")
st.caption("Counts are the agency's own; percentages compare the agency's cases with all cases "
           f"in the {'partnership' if level == data.ALL else 'council'}. c = confidential, "
           "x = not available, z = not applicable.")

st.header("Over time", divider="gray")
# counts: the agency's own line (the partnership total is on another scale)
shown = vals[(vals["agency"] == agency) | vals["indicator"].map(units).ne("count")]
order = {t: i for i, t in enumerate([REFERRALS, *cat["title"]])}
shown = shown.sort_values(["indicator", "period_end"], key=lambda s: s.map(order)
                          if s.name == "indicator" else s)
fig = charts.small_multiples(
    shown, "indicator", "who", units,
    f"{name} (dashed) and the {'partnership' if level == data.ALL else 'council'} (solid)"
    + ("" if level == data.ALL else f", {level}"),
    highlight_name="Partnership (All)" if level == data.ALL else f"{level} (All)")
shown = shown.reset_index(drop=True)
table = ui.disclosed_table(shown, "rate", {
    **({"council": "Council"} if council is not None else {}),
    "indicator": "Indicator", "period_end": "Month end", "who": "Agency",
    "numerator": "Numerator", "denominator": "Denominator", "value": "Value"})
counts = shown["indicator"].map(units).eq("count").to_numpy()
table.loc[counts, "Denominator"] = fmt.NOT_APPLICABLE
table.loc[counts & (table["Value"] != fmt.CONFIDENTIAL).to_numpy(), "Value"] = table.loc[
    counts & (table["Value"] != fmt.CONFIDENTIAL).to_numpy(), "Value"].map(
    lambda v: v if v == fmt.NOT_AVAILABLE else str(round(float(v))))
ui.chart_with_table(fig, table, f"{agency}{slug}-over-time.csv", "agency_over_time")

tools_by_tool(latest)

st.header(f"Figures {fmt.as_text(name)} entered by hand", divider="gray")
manual = data.manual_catalogue()
entered = pd.DataFrame()
if not manual.empty:
    entered = data.values(role, indicator_ids=list(manual["indicator_id"]), agencies=[agency])
    entered = entered[entered["period_end"] <= latest]
if entered.empty:
    st.write(f"No audit, survey or training figures entered for {fmt.as_text(name)} up to "
             f"{fmt.month(latest)} (the manual_measures extract; template on the Data quality "
             "page).")
else:
    info = manual.set_index("indicator_id")
    provenance = data.manual_provenance()
    entered = entered.merge(provenance, how="left",
                            left_on=["indicator_id", "period_end", "locality", "agency"],
                            right_on=["measure_id", "period_end", "locality", "agency"])
    entered = entered.sort_values(["indicator_id", "period_end"], ascending=[True, False])
    entered["measure"] = entered["indicator_id"].map(info["title"])
    entered["when"] = [fmt.period(p, info.loc[i, "frequency"])
                       for i, p in zip(entered["indicator_id"], entered["period_end"], strict=True)]
    parts = [ui.disclosed_table(part, info.loc[i, "unit"], {
        "measure": "Measure (manual)", "when": "Period", "locality": "Locality",
        "numerator": "Numerator", "denominator": "Denominator", "value": "Value",
        "source": "Source", "owner": "Owner"}) for i, part in entered.groupby("indicator_id")]
    manual_table = pd.concat(parts, ignore_index=True)
    st.dataframe(manual_table, hide_index=True, key="table_agency_manual")
    ui.download_csv(manual_table, f"{agency}-entered-{latest:%Y-%m}.csv", "agency_manual")
    st.caption("Entered by their owner, not computed from the extracts; the partnership's own "
               "figure (All) is entered separately, never added up from the agencies'.")
