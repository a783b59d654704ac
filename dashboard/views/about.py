"""About: definitions, benchmark sources, disclosure control and accessibility."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, scorecard, ui
from dashboard import formatting as fmt

ui.require_db()
st.title("About this dashboard")
st.write("This dashboard shows how a Local Safeguarding Children Partnership is doing against "
         "its neglect strategy. Agencies send extracts of their records; a pipeline checks "
         f"them against data contracts, pseudonymises child identifiers, works out "
         f"{len(data.catalogue())} indicators by locality, agency and month, and publishes "
         "them here.")
ui.refreshed_note()

st.header("Definitions", divider="gray")
cat = data.catalogue()
definitions = pd.DataFrame({
    "Indicator": cat["title"], "Id": cat["indicator_id"],
    "Measured as": cat["unit"].map(fmt.unit_label),
    "Better when": cat["polarity"].str.lower().map(scorecard.POLARITY_WORDS),
    "Frequency": cat["frequency"], "Definition": cat["definition"].fillna(""),
    "Figure covers": cat.get("period_kind", pd.Series("", index=cat.index)).map(
        {"rolling_12_months": "the 12 months to the month end", "month_end": "the month end",
         "term": "the school term"}).fillna(""),
    "First published month": pd.to_datetime(cat.get("first_period")).map(
        lambda d: "" if pd.isna(d) else f"{d:%B %Y}") if "first_period" in cat else "",
    "Strategies": cat["strategies"].fillna("")})
ui.static_table(definitions, "definitions")
ui.download_csv(definitions, "definitions.csv", "definitions")
st.write("Most indicators cover the rolling 12 months to each month end; rates are per 10,000 "
         "children aged 0 to 17; percentages and rates are shown to one decimal place.")

manual = data.manual_catalogue()
if not manual.empty:
    st.subheader("Measures entered by hand (manual)")
    st.write("Audits, surveys and training counts that no extract records, entered by their "
             "owner through the manual_measures extract (template on the Data quality page). "
             "They are badged manual wherever they appear, with their source and owner, and "
             "are judged against targets and last year like the computed indicators; a "
             "partnership figure (All) is the owner's own, never added up from agencies.")
    manual_table = pd.DataFrame({
        "Measure": manual["title"], "Id": manual["indicator_id"],
        "Measured as": manual["unit"].map(fmt.unit_label),
        "Better when": manual["polarity"].map(scorecard.POLARITY_WORDS),
        "Frequency": manual["frequency"], "Source": manual["source"].fillna(""),
        "Owner": manual["owner"].fillna(""), "Strategies": manual["strategies"].fillna("")})
    ui.static_table(manual_table, "manual_definitions")
    ui.download_csv(manual_table, "manual-measures.csv", "manual_definitions")

st.header("Benchmarks and their sources", divider="gray")
bench = data.benchmarks().merge(cat[["indicator_id", "title"]], on="indicator_id", how="left")
bench_table = pd.DataFrame({"Indicator": bench["title"].fillna(bench["indicator_id"]),
                            "Area": bench["geography"], "Year": bench["period_label"],
                            "Value": bench["value"].map(lambda v: f"{v:.1f}"),
                            "Source": bench["source"]})
ui.static_table(bench_table, "benchmarks")
ui.download_csv(bench_table, "benchmarks.csv", "benchmarks")

st.header("Statistical process control: how to read the charts and icons", divider="gray",
          anchor="how-to-read-spc")
st.write("Monthly series are shown as XmR charts following NHS England's Making Data Count "
         "guidance: the mean (centre line, CL) and process limits (upper UCL and lower LCL: "
         "mean ± 2.66 × the average moving range) describe the usual variation. A signal is a "
         "point outside the limits, 7 points in a row on one side of the mean (a shift), 7 "
         "points in a row rising or falling (a trend), or 2 of 3 points close to a limit on the "
         "same side. Each signal is called an improvement or a concern according to whether "
         "higher or lower is better for the indicator.")
st.markdown("""
- **Which series.** A rolling 12-month figure is never charted for signals: neighbouring
  values share 11 of 12 months, so every change would look like one. The chart uses each
  month's own figure (re-referrals among the referrals made in that month, and so on); a
  month-end count (children on a plan) is charted as it is, and its runs are more common.
- **Baselines.** Limits are worked out on the months before each strategy's launch and held
  after it, so a change since the launch shows; a known change (a new front door) starts new
  limits. Both are marked on the chart with their reason.
- **Enough points to judge.** With fewer than 15 points there is no verdict and no icon, and
  the reason is said; with 15 to 19 the limits are *trial limits*, and every page that shows
  the verdict says so. Each verdict is one sentence, the same on every page, in the pack and
  in the CSV: the rule that fired and what it is judged against.
- **Small numbers.** Where months are too small to show (c), the chart and the verdict use
  each quarter's own figure (three months' numerators over their denominators); when the
  quarters too are fewer than 15, the page says there are too few children each month to
  judge safely.
- **Variation icon** (a circle: grey common cause; blue improvement, orange concern, purple
  neither; H high or L low): what the latest month shows.
- **Assurance icon** (P, F or ?): whether the target will be met — consistently (the target
  lies outside the limits on the good side), consistently missed (on the bad side), or hit and
  miss (the target is inside the limits). No target, no assurance icon.
- **Localities** are compared with funnel plots: a small locality varies more by chance, so a
  figure is called better or worse only when it lies outside the 99.8% limits for its size.
""")
if data.councils():  # a partnership of several councils
    st.markdown("- **Councils**: the *Council* choice compares each council (and each "
                "locality) with the partnership, or one council's localities with that council; "
                "a council's figures are suppressed like a locality's.")

st.header("Disclosure control", divider="gray")
threshold = data.meta().get("suppression_threshold", "5")
st.write(f"To protect children's privacy, counts from 1 to {threshold} are shown as **c**, and "
         "so is any rate or percentage whose numerator or denominator is in that range. True "
         "zeros are shown as 0. The same applies to charts (a hidden point is a gap), tables, "
         "downloads and the board pack. Analysts with permission see the unsuppressed "
         "figures; so does the partnership board, read-only, with its board pack marked "
         "OFFICIAL-SENSITIVE — not for publication on every page. Every view of unsuppressed "
         "figures is recorded. Symbols follow the Government Statistical Service convention: "
         "**c** confidential, **x** not available, **z** not applicable.")
st.markdown("""
Hiding the small figures is not enough on its own: a hidden figure could be worked out from
the ones shown. So other cells are hidden too (*secondary suppression*), chosen so that no
hidden small figure can be worked out by arithmetic on anything this dashboard shows:

- **across localities and agencies**: the partnership or a locality's total minus the
  others. Each count is treated as a table of localities by agencies with its totals, and
  every hidden small figure is made part of a closed loop of hidden cells, so the totals
  of rows and columns leave it open;
- **for agency neglect champions**, who see their own agency's figures unsuppressed, the
  loop must not pass through their agency, so no other agency's small figure can be worked
  out from what a champion sees;
- **where two measures publish the same count** (the referrals in a window are one
  measure's count and another's denominator), the count is hidden in the same cells in both;
- **over time**: a 12-month figure is the sum of its twelve months and each month's own
  figure is charted, so months are hidden in the SPC charts until no hidden small figure
  follows from the 12-month figures and the other months.

The cells to hide are chosen greedily, the smallest count first (the ONS and DfE practice);
a locality's or agency's total only when no inner cell will do, a true zero only where
nothing else can serve (then that zero is shown as **c** too), and the partnership total
last. Means and limits of SPC charts are worked out without the hidden months.
""")

st.header("Accessibility statement", divider="gray")
st.write("We want as many people as possible to be able to use this dashboard. It aims to "
         "meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA:")
st.markdown("""
- every chart has a table alternative (**View as table**) and a CSV download;
- colour is never the only signal: direction of travel, RAG ratings and SPC signals are also
  given in words, and special-cause points also differ in shape;
- text and interface colours meet a contrast ratio of at least 4.5:1 (GOV.UK colours);
- you can use every page with a keyboard, and pages have meaningful titles and headings;
- the board pack is a plain HTML file that prints to PDF and works with screen readers.

Known limitations: the interactive charts are drawn on a canvas, so use their tables with a
screen reader; the heatmap on the Localities page relies on its text labels and table.
Every page is checked automatically with axe-core for serious or critical problems.
If you find a problem, please tell the partnership's business unit.
""")
