"""Data quality: refreshes, what each extract delivered, what was quarantined, and freshness."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth, data, freshness, ui
from dashboard import formatting as fmt
from data_contracts.manual_template import Measure, build_template
from lscp_core import audit
from lscp_core.settings import MONTHLY_FRESHNESS_DAYS, TERMLY_FRESHNESS_DAYS

ui.require_db()
role = ui.role()
st.title("Data quality")
ui.failed_run_banner(small=False)
st.write("Whether the data behind the dashboard is complete and current: each refresh, what "
         "each extract delivered, the rows set aside because they broke a rule, and how old "
         "each extract is.")
ui.refreshed_note()

st.header("Refreshes", divider="gray")
runs = data.runs()
runs_table = pd.DataFrame({
    "Run": runs["run_id"].astype(str),
    "Started": pd.to_datetime(runs["started_at"]).dt.strftime("%Y-%m-%d %H:%M"),
    "Finished": pd.to_datetime(runs["finished_at"]).dt.strftime("%Y-%m-%d %H:%M"),
    "Data as at": pd.to_datetime(runs["as_at"]).dt.strftime("%Y-%m-%d"),
    "Status": runs["status"], "Message": runs["message"].fillna("")})
failed = data.failed_runs_since_publish()
if failed:
    extra = pd.DataFrame({"Run": [f.run_id for f in failed],
                          "Started": [f.started_at for f in failed], "Finished": "",
                          "Data as at": "", "Status": "failed (not published)",
                          "Message": [f.message for f in failed]})
    runs_table = pd.concat([extra, runs_table], ignore_index=True)
ui.static_table(runs_table, "runs")
audit_line = data.meta().get("disclosure_audit")
if audit_line:  # the attacker's check of the published figures (metrics/disclosure_audit.py)
    st.write(f"Small numbers cannot be worked out from what is shown: {audit_line}.")
ui.download_csv(runs_table, "refreshes.csv", "runs")

st.header("Load report", divider="gray")
run_ids = list(runs["run_id"].astype(str))
run_id = st.selectbox("Refresh", run_ids, key="dq_run",
                      help="The published refresh is first.") if run_ids else None
report = data.load_report(run_id)
# where each extract came from: its files (" + " between the files of one delivery) and formats
FORMATS = {"csv": "CSV", "xlsx": "Excel", "cin_xml": "CIN census XML", "ssda903": "SSDA903",
           "ssd": "Standard Safeguarding Dataset"}
formats = (report["source_format"] if "source_format" in report  # (older databases lack it)
           else pd.Series([None] * len(report), dtype=object))
report_table = pd.DataFrame({
    "Extract": report["extract"], "File": report["file"],
    "Format": formats.map(lambda v: " + ".join(FORMATS.get(f, f) for f in v.split(" + "))
                          if isinstance(v, str) and v else ""),
    "Status": report["status"],
    "Rows read": report["rows_read"], "Rows loaded": report["rows_loaded"],
    "Rows quarantined": report["rows_quarantined"],
    # a newer year's copy, or another source's row with the same id (older databases lack it)
    "Rows superseded": report["rows_superseded"] if "rows_superseded" in report else None,
    # cells read leniently, not quarantined (older databases lack the columns)
    "ISO dates": report["iso_dates"] if "iso_dates" in report else None,
    "NULL cells": report["null_cells"] if "null_cells" in report else None,
    "Message": report["message"].fillna(""),
    "SHA-256": report["sha256"]})
ui.static_table(report_table, "load_report")
ui.download_csv(report_table, f"load-report-{run_id}.csv", "load_report")
bad = report[report["status"].astype(str).str.lower() == "failed"]
for r in bad.itertuples():
    st.error(f"{fmt.as_text(r.extract)}: file {fmt.as_text(r.file)} was not loaded: "
             f"{fmt.as_text(r.message)}")

st.header("Quarantined rows", divider="gray")
summary = data.quarantine_summary(run_id)
if summary.empty:
    st.success("No rows were quarantined in this refresh.")
else:
    pivot = summary.pivot_table(index="extract", columns="rule", values="rows", aggfunc="sum",
                                fill_value=0)
    pivot["Total"] = pivot.sum(axis=1)
    pivot = pivot.reset_index().rename(columns={"extract": "Extract"})
    st.write("Rows that broke a rule in the data contracts were set aside (quarantined) and "
             "are not counted in any indicator. By extract and rule:")
    ui.static_table(pivot, "quarantine_summary")
    ui.download_csv(pivot, f"quarantine-summary-{run_id}.csv", "quarantine_summary")
    if data.writes(role):
        with st.expander("Quarantined rows (analysts only; child ids are pseudonymised)"):
            rows = data.quarantine_rows(run_id)
            # a sortable, searchable grid: thousands of rows an analyst filters by rule and
            # file. Its cost: 1.7 MB of grid code on this page's first load, for analysts
            # only (every other table is plain HTML: ui.static_table)
            st.dataframe(rows, hide_index=True, key="table_quarantine_rows")
            ui.download_csv(rows, f"quarantine-rows-{run_id}.csv", "quarantine_rows")
    else:
        st.caption("Row-level details (file, line, column, value) are shown to analysts only.")

st.header("Freshness of each extract", divider="gray")
conf, _ = auth.settings()
checked = freshness.check(conf.freshness_days)
words = {"current": "current", "failed": "latest delivery failed: previous file in force",
         "never loaded": "never loaded"}
fresh_table = pd.DataFrame({
    "Extract": [f.extract for f in checked],
    "Last new file loaded": [f.last_loaded.strftime("%Y-%m-%d") if f.last_loaded is not None
                             else fmt.NOT_AVAILABLE for f in checked],
    "Days old": [str(f.age_days) if f.age_days is not None else fmt.NOT_AVAILABLE
                 for f in checked],
    "Expected every (days)": [str(f.limit_days) for f in checked],
    "Freshness": [words.get(f.status, f"older than expected ({f.limit_days} days)")
                  for f in checked]})
stale = [f.extract for f in checked if not f.current]
if stale:
    st.warning("Extracts not current: " + fmt.as_text(", ".join(stale)) + ".",
               icon=":material/schedule:")
ui.static_table(fresh_table, "freshness")
ui.download_csv(fresh_table, "freshness.csv", "freshness")
st.caption("Age counted to the latest refresh; each extract's expected rhythm is lscp's "
           f"default (monthly extracts {MONTHLY_FRESHNESS_DAYS} days, termly "
           f"{TERMLY_FRESHNESS_DAYS}), or [dashboard] freshness_days in lscp.toml.")

st.header("Figures entered by hand", divider="gray")
manual = data.manual_catalogue()
st.write("Audits, surveys and training counts that no extract records reach the dashboard as "
         "the manual_measures extract, through the same inbox and checks. Download the "
         "template, fill one row per measure, period, agency and locality (the `All` row is "
         "your own total, never added up from the others), and drop it in the inbox as "
         "`manual_measures_<anything>.xlsx`.")


@st.cache_data(show_spinner=False, max_entries=8)
def _template(measures: tuple, agencies: tuple, localities: tuple) -> bytes:
    """The Excel template, built once for these measures, agencies and localities (not on
    every run of the page: 0.1 s each)."""
    return build_template([Measure(*m) for m in measures], list(agencies), list(localities))


if manual.empty:
    st.info("No manual measures are declared (seeds/manual_measures.csv).")
else:
    template = _template(
        tuple((r.indicator_id, r.title, r.unit, r.polarity, r.frequency)
              for r in manual.itertuples()),
        tuple(data.agencies()["agency_code"]),
        tuple(n for n in data.localities() if not data.is_unknown(n)))
    st.download_button("Download the manual measures template (Excel)", template,
                       file_name="manual_measures_template.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="manual_template", icon=":material/download:", on_click="ignore")

if data.writes(role):
    st.header("Who saw unsuppressed figures", divider="gray")
    entries = pd.DataFrame(audit.read(ui._audit_file()), columns=list(audit.FIELDS))
    st.write("Every page view, CSV download and board pack by an analyst or a champion, and "
             "every `lscp export --unsuppressed`, newest first (the audit log beside the "
             "published database; it survives every refresh).")
    shown = entries.iloc[::-1].rename(columns=str.capitalize).fillna("")
    # a sortable grid for the audit trail an analyst searches (analysts only: the 1.7 MB
    # of grid code is theirs alone to load)
    st.dataframe(shown, hide_index=True, key="table_audit")
    ui.download_csv(shown, "audit-log.csv", "audit")
