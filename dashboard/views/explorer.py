"""Indicator explorer: the XmR chart, localities and agencies over time, and the figures."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, chartspec, commentary, data, scorecard, ui, who
from dashboard import formatting as fmt
from metrics import verdict as spc_verdict

HOW_TO_READ = """
- **The XmR chart** (NHS England *Making Data Count*) plots each month with its average
  (the centre line, CL) and process limits (upper, UCL, and lower, LCL, about three sigma
  from the average). Points inside the limits with no pattern are **common cause**: the usual
  ups and downs; they need no explanation.
- **Special cause** — a signal — is one point outside a limit; 7 points in a row above or
  below the average (a shift); 7 points in a row rising or falling (a trend); or 2 of 3 points
  close to a limit on the same side. It is coloured as an **improvement** (blue) or a
  **concern** (orange) by whether higher is better for this measure; purple when neither.
- **The variation icon** says what the latest month shows; **the assurance icon** says
  whether the target can be relied on: *consistently met* (target outside the limits on the
  good side), *consistently missed* (on the bad side), or *hit and miss* (inside the limits).
- Rolling 12-month figures are never put on this chart: neighbouring values share 11 of 12
  months, so every change would look like a signal. The chart uses each month's own figure.
- **Enough points to judge.** With fewer than 15 points there is no verdict and no icon (the
  reason is said); with 15 to 19 the limits are *trial limits*: read signals with care.
- **Where months are too small to show** (confidential, c), the chart and the verdict use
  each quarter's own figure (three months' numerators over their denominators); when the
  quarters too are too few, the page says there are too few children each month to judge
  safely.
"""

ui.require_db()
role = ui.role()
commentary.reset_banner()
cat = data.measures()
ids = list(cat["indicator_id"])
titles = dict(zip(cat["indicator_id"], cat["title"], strict=True))

groups = data.indicator_groups()
ALL_GROUPS = "All groups"

wanted = st.query_params.get("indicator")
if "ex_indicator" not in st.session_state or (wanted in ids and wanted != st.session_state.get(
        "ex_last_param")):
    st.session_state["ex_indicator"] = wanted if wanted in ids else ids[0]
    st.session_state["ex_last_param"] = wanted
    st.session_state["ex_group"] = ALL_GROUPS  # a link opens its indicator whatever its group

st.title("Indicator explorer")
group_names = list(dict.fromkeys(groups.get(i, data.NEGLECT_GROUP) for i in ids))
if len(group_names) > 1:  # the catalogue's groups (the front door and conferences ...)
    group = st.selectbox("Group", [ALL_GROUPS, *group_names], key="ex_group")
    ids = [i for i in ids if group == ALL_GROUPS or groups.get(i) == group]
    if st.session_state.get("ex_indicator") not in ids:
        st.session_state["ex_indicator"] = ids[0]
indicator = st.selectbox("Indicator", ids, format_func=lambda i: titles.get(i, i),
                         key="ex_indicator")
st.query_params["indicator"] = indicator
council = ui.council_choice("ex_council")  # None: one council, no council level
st.session_state["ex_last_param"] = indicator
ind = cat.set_index("indicator_id").loc[indicator]
unit, polarity, frequency = ind["unit"], str(ind["polarity"]).lower(), ind["frequency"]
manual = scorecard.is_manual(ind)  # entered by hand: no SPC, no breakdown
title = ind["title"]
ui.refreshed_note()

targets = data.targets().set_index("indicator_id")
target = float(targets.loc[indicator, "target"]) if indicator in targets.index else None
bench = data.benchmarks()
bench = bench[bench["indicator_id"] == indicator]

main, side = st.columns([3, 1], gap="large")
with side, st.container(border=True):
    st.subheader("Definition")
    st.markdown(fmt.as_text(ind.get("definition") or "Not recorded."))
    facts = {
        "Group": groups.get(indicator, data.NEGLECT_GROUP),
        "Measured as": fmt.unit_label(unit),
        "Better when": scorecard.POLARITY_WORDS.get(polarity, polarity),
        "Frequency": frequency,
        "Numerator": ind.get("numerator_label") or fmt.NOT_AVAILABLE,
        "Denominator": ind.get("denominator_label") or fmt.NOT_APPLICABLE,
        "Breakdown": "locality and agency" if ind["breakdown"] == "locality_agency"
        else "as entered (agency, locality)" if manual else "locality",
        "Target": fmt.number(target, unit) if target is not None else "no target",
        "Strategies": ind.get("strategies") if isinstance(ind.get("strategies"), str)
        and ind.get("strategies") else "none (no strategy lists it)",
    }
    if manual:
        facts |= {"Entered by hand": "yes (manual measure)",
                  "Source": ind.get("source") or fmt.NOT_AVAILABLE,
                  "Owner": ind.get("owner") or fmt.NOT_AVAILABLE}
    st.markdown("\n".join(f"- **{k}:** {fmt.as_text(v)}" for k, v in facts.items()))
    st.markdown("**Benchmarks**")
    if bench.empty:
        st.markdown(f"- {scorecard.NO_COMPARATOR}")
    else:
        st.markdown("\n".join(
            f"- {fmt.as_text(b.geography)}"
            f"{' (the DfE ten nearest authorities, average)' if b.geography == scorecard.NEIGHBOURS else ''}"
            f" {fmt.number(b.value, unit)} "
            f"({fmt.as_text(b.period_label)}). Source: {fmt.as_text(b.source)}"
            for b in bench.sort_values("period_label", ascending=False).itertuples()))
    note = ind.get("comparator_note")
    if isinstance(note, str) and note:
        st.caption(fmt.as_text(note))

with main:
    over_time, who_tab = st.tabs(["Over time and place", "Who"])
with who_tab:
    st.header("Who: " + ("by neglect tool" if "tool" in str(ind.get("breakdowns")) else
                         "by age, sex, ethnicity and disability"), divider="gray")
    who.render(role, indicator, title, unit)
with over_time:
    st.header("Partnership over time", divider="gray")
    if frequency == "monthly" and not manual:
        headline = data.values(role, indicator_ids=[indicator], localities=["All"],
                               agencies=["All"])
        kind = ind.get("period_kind") or "monthly"
        if headline.empty:
            st.info(f"This measure has {fmt.not_enough_history(ind.get('first_period'))}: "
                    "its definition looks back before the months it counts.")
        elif kind == "rolling_12_months":
            st.subheader("The trend: rolling 12 months")
            st.write("Each point is the figure for the 12 months to that month, as the "
                     "scorecard and the DfE report it. Neighbouring points share 11 of their "
                     "12 months, so this line is smooth and shows the trend, not signals.")
            trend = charts.lines(headline.assign(group="Partnership"), "group",
                                 f"{title}: partnership, rolling 12 months", unit)
            trend_table = ui.disclosed_table(headline, unit, {
                "period_end": "12 months to", "numerator": "Numerator",
                "denominator": "Denominator", "value": "Value"})
            ui.chart_with_table(trend, trend_table, f"{indicator}-rolling.csv", "rolling")
        series = data.spc(role, indicator)
        series_kind = series["series"].dropna().iloc[0] if "series" in series and \
            series["series"].notna().any() else ind.get("spc_series")
        judged = scorecard.judge(role, indicator, polarity, series_kind, None, headline,
                                 monthly=series)
        quarterly = spc_verdict.uses_quarters(series, not data.unsuppressed(role))
        st.subheader("Signals: statistical process control (XmR chart)")
        if quarterly:
            # a restricted viewer with months too small to show: each quarter's own figure
            series = data.spc_quarterly(role, indicator)
        if quarterly and not chartspec.visible_points(series):
            # no quarter to show either: no chart, so nothing is said about one
            st.write("Some months have too few children to show, so this measure is looked "
                     "at by quarter (three months' numerators over their denominators).")
        elif quarterly:
            st.write("Some months have too few children to show, so this chart shows "
                     f"{spc_verdict.EACH_QUARTER}: three months' numerators over their "
                     "denominators. Its mean and limits are worked out on the quarters that "
                     "can be shown; a point outside them, or a run or trend, is a signal "
                     "worth asking about.")
        else:
            st.write("This chart shows " + scorecard.SERIES_WORDS.get(series_kind, "each "
                     "month's figure") + ". Its mean and limits are worked out on the months "
                     "before the baseline marked on the chart (the strategy's launch, or a "
                     "known change) and the months after it are judged against them; with no "
                     "baseline marked, on every month shown. A point outside them, or a run "
                     "or trend, is a signal worth asking about.")
        st.markdown(f"**Verdict:** {fmt.as_text(judged.sentence)}")
        step = ("each quarter" if quarterly else "each month" if series_kind == "in_month"
                else "month ends")
        judged_step = "quarter" if quarterly else "month"  # how a point's date is said
        if judged.icon is None:  # no verdict: no point is marked as a signal either
            series = series.assign(point_type=None, point_label=None)
        signals = series[series["point_type"].fillna("common_cause") != "common_cause"]
        columns = {"period_end": "Quarter" if quarterly else "Month", "value": "Value",
                   "mean": "Mean (centre line)",
                   "lpl": "Lower process limit", "upl": "Upper process limit",
                   "point_label": "Rule", "point_type": "Signal"}
        if "baseline_label" in series.columns:
            columns |= {"baseline_label": "Baseline", "baseline_reason": "Why"}
        table = ui.disclosed_table(series.assign(numerator=None, denominator=None), unit,
                                   columns)
        for col in ("Mean (centre line)", "Lower process limit", "Upper process limit"):
            table[col] = table[col].map(lambda v: fmt.plain(v, unit))
        table["Rule"] = table["Rule"].map(lambda r: scorecard.rule_text(r, judged_step))
        table["Signal"] = table["Signal"].fillna("").str.replace("_", " ")
        if quarterly:  # a quarter by its months ("Jan-Mar 2026"), as the chart's axis says
            table["Quarter"] = [chartspec.quarter_label(p) for p in series["period_end"]]
        for col in ("Baseline", "Why"):
            if col in table.columns:
                table[col] = table[col].fillna("")
        if chartspec.visible_points(series):
            fig = charts.xmr(series, f"{title}: partnership, {step}, XmR", unit, target, bench)
            ui.chart_with_table(fig, table, f"{indicator}-xmr.csv", "xmr")
        else:  # nothing to draw: said in words, no empty axes
            st.info(chartspec.no_chart_sentence(len(series), judged_step))
        if "baseline_label" in series.columns and series["baseline_label"].notna().any():
            # seed text: shown as text, never as Markdown
            st.text("\n".join(
                f"{spc_verdict.period_words(judged_step, r.period_end)}: {r.baseline_label} — "
                f"{r.baseline_reason or ''}"
                for r in series[series["baseline_label"].notna()].itertuples()))
        if judged.icon is not None:
            icons = series.dropna(subset=["variation"]).tail(1)
            last = icons.iloc[-1] if not icons.empty else {}
            st.markdown(f"- **Variation:** {scorecard.variation_text(judged.icon)}\n"
                        f"- **{scorecard.assurance_text(last.get('assurance'))}**")
        with st.expander("How to read these charts and icons"):
            st.markdown(HOW_TO_READ)
        # no verdict (fewer than 15 points, or too few children): the verdict above says
        # why, once, and never "no signals"
        if judged.icon is not None and signals.empty:
            st.write("No point meets a Making Data Count rule on this chart.")
        elif judged.icon is not None:
            st.markdown("**Signals** (points that meet a Making Data Count rule):")
            lines = []
            for r in signals.sort_values("period_end", ascending=False).head(12).itertuples():
                kind_word = ("an improvement" if "improvement" in r.point_type else
                             "a concern" if "concern" in r.point_type else
                             "neither better nor worse")
                lines.append(f"- {spc_verdict.period_words(judged_step, r.period_end)}: "
                             f"{fmt.number(r.value, unit)}, "
                             f"{scorecard.rule_text(r.point_label, judged_step)}, which is "
                             f"**{kind_word}** for this indicator")
            st.markdown("\n".join(lines))
    else:
        series = data.values(role, indicator_ids=[indicator], localities=["All"],
                             agencies=["All"])
        fig = charts.lines(series.assign(group="All"), "group",
                           f"{title}: partnership, by {'period' if manual else 'term'}", unit)
        table = ui.disclosed_table(series, unit, {"period_end": "Term end",
                                                  "numerator": "Numerator",
                                                  "denominator": "Denominator", "value": "Value"})
        ui.chart_with_table(fig, table, f"{indicator}-partnership.csv", "termly")
        st.caption("Measures entered by hand are shown as entered, without an XmR chart."
                   if manual else "Termly indicators have too few points for an XmR chart.")

    if council is None:
        st.header("Localities compared", divider="gray")
        by_loc = data.values(role, indicator_ids=[indicator], agencies=["All"])
        fig = charts.lines(by_loc, "locality", f"{title}: by locality", unit)
    else:  # the partnership and its councils, or the partnership, a council and its localities
        by_place = data.with_place(data.values(role, indicator_ids=[indicator],
                                               agencies=["All"], councils=None))
        if council == data.ALL:
            st.header("Councils compared", divider="gray")
            shown = by_place[by_place["level"] != "locality"]
            what = "by council"
        else:
            st.header(f"Localities of {fmt.as_text(council)}", divider="gray")
            shown = by_place[by_place["council"].isin([data.ALL, council])]
            what = f"{council} and its localities"
        fig = charts.lines(shown.sort_values(["place_order", "period_end"]), "place",
                           f"{title}: {what}", unit)
    ui.chart(fig, "localities")
    st.caption("The figures behind this chart are in the table at the foot of the page.")

    if ind["breakdown"] == "locality_agency":
        st.header("Agencies", divider="gray")
        names = data.agencies().set_index("agency_code")["agency_name"].to_dict()
        level = council or data.ALL
        by_agency = data.values(role, indicator_ids=[indicator], localities=["All"],
                                councils=[level])
        latest = by_agency["period_end"].max()
        now = by_agency[(by_agency["period_end"] == latest)].copy()
        whole = "Partnership (All)" if level == data.ALL else f"{level} (All)"
        now["agency_name"] = now["agency"].map(lambda a: whole if a == "All"
                                               else names.get(a, a))
        within = "" if level == data.ALL else f" in {level}"
        fig = charts.bars(now, "agency_name",
                          f"{title}: by agency{within}, {fmt.month(latest)}", unit)
        agency_table = ui.disclosed_table(now, unit, {
            **({"council": "Council"} if council is not None else {}),
            "agency": "Agency code", "agency_name": "Agency", "numerator": "Numerator",
            "denominator": "Denominator", "value": "Value"})
        ui.chart_with_table(fig, agency_table, f"{indicator}-agencies-{latest:%Y-%m}.csv",
                            "agencies")

st.header("Commentary and actions", divider="gray")
said = commentary.for_indicator(indicator)
if said:
    for c in said[:6]:  # the latest months with words; all of them on the commentary page
        commentary.show_comment(c, fmt.month(c.month + "-01"))
else:
    st.caption("No commentary has been written for this indicator.")
commentary.show_actions(commentary.all_actions(indicator), "Actions on this indicator",
                        indicator)
if st.button("Commentary and actions on this measure", key="to_commentary",
             icon=":material/edit_note:"):
    commentary.open_from_measure(indicator)

st.header("Figures by period and locality", divider="gray")
if council is None:
    figures = data.values(role, indicator_ids=[indicator], agencies=["All"])
    figures = figures.sort_values(["period_end", "locality"], ascending=[False, True])
else:  # every council and locality, or the partnership and one council's, as charted
    figures = data.with_place(data.values(
        role, indicator_ids=[indicator], agencies=["All"],
        councils=None if council == data.ALL else [data.ALL, council]))
    figures = figures.sort_values(["period_end", "place_order"], ascending=[False, True])
figures_table = ui.disclosed_table(figures, unit, {
    "period_end": "Period end", **({"council": "Council"} if council is not None else {}),
    "locality": "Locality", "numerator": "Numerator", "denominator": "Denominator",
    "value": "Value"})
ui.lazy_table(figures_table, "figures",
              label=f"View the table ({len(figures_table):,} rows, newest first)")
ui.download_csv(figures_table, f"{indicator}-by-locality{ui.council_slug(council)}.csv", "figures",
                label="Download the figures (CSV)")
st.caption(f"Value: {fmt.unit_label(unit)}. c = confidential (1 to 5 children or records, or "
           "could reveal one), x = not available, z = not applicable.")
