"""Data quality: refreshes, what each extract delivered, what was quarantined, and freshness."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth, data, ui
from dashboard import formatting as fmt

DEFAULT_FRESHNESS_DAYS = 35  # monthly extracts: warn when no new file for over a month

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
st.dataframe(runs_table, hide_index=True, key="table_runs")
ui.download_csv(runs_table, "refreshes.csv", "runs")

st.header("Load report", divider="gray")
run_ids = list(runs["run_id"].astype(str))
run_id = st.selectbox("Refresh", run_ids, key="dq_run",
                      help="The published refresh is first.") if run_ids else None
report = data.load_report(run_id)
report_table = pd.DataFrame({
    "Extract": report["extract"], "File": report["file"], "Status": report["status"],
    "Rows read": report["rows_read"], "Rows loaded": report["rows_loaded"],
    "Rows quarantined": report["rows_quarantined"], "Message": report["message"].fillna(""),
    "SHA-256": report["sha256"]})
st.dataframe(report_table, hide_index=True, key="table_load_report",
             column_config={"SHA-256": st.column_config.TextColumn(width="small")})
ui.download_csv(report_table, f"load-report-{run_id}.csv", "load_report")
bad = report[report["status"].astype(str).str.lower() == "failed"]
for r in bad.itertuples():
    st.error(f"{r.extract}: file {r.file} was not loaded: {r.message}")

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
    st.dataframe(pivot, hide_index=True, key="table_quarantine_summary")
    ui.download_csv(pivot, f"quarantine-summary-{run_id}.csv", "quarantine_summary")
    if data.unsuppressed(role):
        with st.expander("Quarantined rows (analysts only; child ids are pseudonymised)"):
            rows = data.quarantine_rows(run_id)
            st.dataframe(rows, hide_index=True, key="table_quarantine_rows")
            ui.download_csv(rows, f"quarantine-rows-{run_id}.csv", "quarantine_rows")
    else:
        st.caption("Row-level details (file, line, column, value) are shown to analysts only.")

st.header("Freshness of each extract", divider="gray")
conf, _ = auth.settings()
fresh = data.extract_freshness()
info = data.meta()
now = pd.Timestamp(info.get("built_at") or pd.Timestamp.now(tz="UTC"))
now = now.tz_convert("UTC").tz_localize(None) if now.tzinfo else now
ages, warnings = [], []
for r in fresh.itertuples():
    limit = conf.freshness_days.get(r.extract, DEFAULT_FRESHNESS_DAYS)
    if pd.isna(r.last_loaded):
        ages.append(fmt.NOT_AVAILABLE)
        warnings.append(f"never loaded (expected within {limit} days)")
        continue
    age = (now - pd.Timestamp(r.last_loaded)).days
    ages.append(str(age))
    warnings.append(f"older than expected ({limit} days)" if age > limit else "current")
fresh_table = pd.DataFrame({
    "Extract": fresh["extract"],
    "Last new file loaded": pd.to_datetime(fresh["last_loaded"]).dt.strftime("%Y-%m-%d"),
    "Days old": ages, "Latest status": fresh["latest_status"], "Freshness": warnings})
stale = [e for e, w in zip(fresh_table["Extract"], warnings, strict=True) if w != "current"]
if stale:
    st.warning("Extracts older than expected: " + ", ".join(stale) + ".",
               icon=":material/schedule:")
st.dataframe(fresh_table, hide_index=True, key="table_freshness")
ui.download_csv(fresh_table, "freshness.csv", "freshness")
st.caption(f"Age counted to the refresh on {fmt.day(now)}; expected ages come from "
           f"[dashboard] freshness_days in lscp.toml ({DEFAULT_FRESHNESS_DAYS} days otherwise).")
