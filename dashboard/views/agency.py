"""Agency view for neglect champions: one agency's figures against the partnership."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, sector, ui
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
# like with like: an agency's counts (and rates per 10,000 children, whose numerators are
# counts of the agency's own cases over the whole population) are a part of the whole, so
# they are compared as the agency's share of the same count for the whole, now and a year
# before; its percentages (its own re-referral rate, ...) beside the whole's percentage
year_before = latest - pd.DateOffset(years=1) + pd.offsets.MonthEnd(0)
parts = [REFERRALS, *[t for t in cat["title"] if units.get(t) in ("count", "rate")]]
rates = [t for t in cat["title"] if units.get(t) == "percent"]


def shares(frame: pd.DataFrame) -> pd.DataFrame:
    """The agency's count as a share (%) of the whole's count, per indicator and month;
    ``c`` (hidden) when either count is."""
    mine_ = frame[frame["agency"] == agency]
    all_ = frame[frame["agency"] == "All"][["indicator", "period_end", "numerator", "hidden"]]
    both = mine_.merge(all_, on=["indicator", "period_end"], suffixes=("", "_all"))
    hidden = both["hidden"].fillna(False).astype(bool) | both["hidden_all"].fillna(
        False).astype(bool)
    whole_count = pd.to_numeric(both["numerator_all"], errors="coerce")
    share = pd.to_numeric(both["numerator"], errors="coerce") / whole_count.where(
        whole_count > 0) * 100
    return both.assign(denominator=whole_count.where(~hidden), value=share.where(~hidden),
                       hidden=hidden)[["indicator", "indicator_id", "period_end", "agency",
                                       "who", "numerator", "denominator", "value", "hidden"]
                                      + (["council"] if "council" in both else [])]


share_frame = shares(vals[vals["indicator"].isin(parts)])
whole_word = "the partnership" if level == data.ALL else level
share_col = "Share of the partnership" if level == data.ALL else f"Share of {level}"


def _cell(frame, indicator, who, when, column: str, write) -> str:
    """One figure of ``frame`` (an indicator, an agency, a month) as ``write(value, hidden)``
    writes it; x when there is none."""
    row = frame[(frame["indicator"] == indicator) & (frame["agency"] == who)
                & (frame["period_end"] == when)]
    if row.empty:
        return fmt.NOT_AVAILABLE
    return write(row[column].iloc[0], bool(row["hidden"].iloc[0]))


def _percent(value, hidden) -> str:
    return fmt.number(value, "percent", hidden)


def _share(indicator, when) -> str:
    return _cell(share_frame, indicator, agency, when, "value", _percent)


def _count(indicator, who, when) -> str:
    return _cell(vals, indicator, who, when, "numerator", fmt.count)


def _value(indicator, who, when) -> str:
    return _cell(vals, indicator, who, when, "value", _percent)


def _number(frame, indicator, who, when, column: str, unit: str) -> str:
    """The same cell for a CSV's numeric column (``fmt.figure``: whole counts, no units)."""
    return _cell(frame, indicator, who, when, column,
                 lambda value, hidden: fmt.figure(value, unit, hidden))


st.subheader(f"Its share of {whole_word}'s cases")
share_table = pd.DataFrame([{
    "Indicator": indicator, name: _count(indicator, agency, latest),
    whole: _count(indicator, "All", latest), share_col: _share(indicator, latest),
    f"Share, {fmt.month(year_before)}": _share(indicator, year_before)}
    for indicator in parts if indicator in units])
summary = pd.DataFrame([{
    "Indicator": indicator, name: _value(indicator, agency, latest),
    whole: _value(indicator, "All", latest),
    f"{name}, {fmt.month(year_before)}": _value(indicator, agency, year_before),
    "Partnership target": (fmt.number(targets[ids_by_title[indicator]], "percent")
                           if ids_by_title.get(indicator) in targets else "no target")}
    for indicator in rates])
# the same figures as numbers a spreadsheet reads, beside the text, for the downloads
whole_label = "Partnership" if level == data.ALL else "Council"
share_numbers = pd.DataFrame([{
    "Agency count (number)": _number(vals, indicator, agency, latest, "numerator", "count"),
    f"{whole_label} count (number)": _number(vals, indicator, "All", latest, "numerator",
                                             "count"),
    "Share (number)": _number(share_frame, indicator, agency, latest, "value", "percent"),
    "Share a year before (number)": _number(share_frame, indicator, agency, year_before,
                                            "value", "percent")}
    for indicator in parts if indicator in units])
summary_numbers = pd.DataFrame([{
    "Agency value (number)": _number(vals, indicator, agency, latest, "value", "percent"),
    f"{whole_label} value (number)": _number(vals, indicator, "All", latest, "value",
                                             "percent"),
    "Agency value a year before (number)": _number(vals, indicator, agency, year_before,
                                                   "value", "percent"),
    "Target (number)": (fmt.figure(targets[ids_by_title[indicator]], "percent")
                        if ids_by_title.get(indicator) in targets else fmt.NOT_AVAILABLE)}
    for indicator in rates])
if council is not None:  # several councils: which level these figures are
    share_table.insert(0, "Council", level)
    summary.insert(0, "Council", level)
slug = ui.council_slug(council)
ui.static_table(share_table, "agency_shares")
as_shown = {c: f"{c} as shown" for c in (name, whole)}  # the text; numbers beside it
ui.download_csv(pd.concat([share_table.rename(columns=as_shown), share_numbers], axis=1),
                f"{agency}{slug}-shares-{latest:%Y-%m}.csv", "agency_shares")
st.caption(f"Counts of the 12 months to each month: {fmt.as_text(name)}'s own cases, and "
           f"everyone's in {fmt.as_text(whole_word)}; its share now and a year before. A "
           "rate per 10,000 children is not given for one agency: its cases over the whole "
           "population would be a part set against the whole. c = confidential, "
           "x = not available.")
st.subheader("Its own percentages beside the same measure for " + whole_word)
ui.static_table(summary, "agency_summary")
ui.download_csv(pd.concat([summary.rename(columns=as_shown), summary_numbers], axis=1),
                f"{agency}{slug}-summary-{latest:%Y-%m}.csv", "agency_summary")
st.caption("Each percentage is of the agency's own cases (for example, of the referrals it "
           f"made, the share re-referred), beside the same percentage of all cases in "
           f"{fmt.as_text(whole_word)}. c = confidential, x = not available.")

st.header("Over time", divider="gray")
# shares: the agency's line alone; percentages: the agency's and the whole's
order = {t: i for i, t in enumerate([REFERRALS, *cat["title"]])}
share_frame["indicator"] = share_frame["indicator"] + ": share"
units.update({f"{t}: share": "percent" for t in parts})
order.update({f"{t}: share": order[t] for t in parts if t in order})
shown = pd.concat([share_frame, vals[vals["indicator"].isin(rates)]], ignore_index=True)
shown = shown.sort_values(["indicator", "period_end"], key=lambda s: s.map(order)
                          if s.name == "indicator" else s)
fig = charts.small_multiples(
    shown, "indicator", "who", units,
    f"{name} (dashed) and the {'partnership' if level == data.ALL else 'council'} (solid)"
    + ("" if level == data.ALL else f", {level}") + f"; shares: {name}'s part of the whole",
    highlight_name="Partnership (All)" if level == data.ALL else f"{level} (All)")
shown = shown.reset_index(drop=True)
table = ui.disclosed_table(shown, "percent", {
    **({"council": "Council"} if council is not None else {}),
    "indicator": "Indicator", "period_end": "Month end", "who": "Agency",
    "numerator": "Numerator", "denominator": "Denominator", "value": "Value"})
ui.chart_with_table(fig, table, f"{agency}{slug}-over-time.csv", "agency_over_time",
                    caption="Shares: the agency's count (numerator) of the whole's count "
                            "(denominator), per cent.")

tools_by_tool(latest)
sector.render(role, agency, name, latest, level)  # catalogue agency_sectors: its own work

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
    ui.static_table(manual_table, "agency_manual")
    ui.download_csv(manual_table, f"{agency}-entered-{latest:%Y-%m}.csv", "agency_manual")
    st.caption("Entered by their owner, not computed from the extracts; the partnership's own "
               "figure (All) is entered separately, never added up from the agencies'.")
