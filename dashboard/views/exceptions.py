"""Exception report: the measures that need the board's attention this month, and why."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import commentary, data, exceptions, scorecard, ui
from dashboard import formatting as fmt

ui.require_db()
role = ui.role()
commentary.reset_banner()
st.title("Exception report")
ui.failed_run_banner(small=True)
ui.stale_extract_banner()
st.write("The measures that need the board: a special cause of concern on the SPC chart, an "
         "assurance icon saying the target will be missed, a red RAG, or a worsening since the "
         "last meeting beyond the target's tolerance. Each says why it is listed, with the "
         "sub-group's commentary and the actions that concern it.")
months = data.periods("monthly") or data.periods()
period = st.selectbox("Month", months, format_func=fmt.month, key="exc_period")
ui.refreshed_note()
meeting = scorecard.last_meeting(pd.Timestamp(period))
st.caption("Compared since the last meeting: " + (fmt.as_text(meeting[1]) if meeting else
           "no earlier meeting is listed, so no worsening since a meeting can be judged") + ".")

listed = exceptions.build(role, pd.Timestamp(period))
comments = commentary.for_month(period)
if listed.empty:
    st.success(exceptions.NOTHING_LISTED, icon=":material/check_circle:")
    st.stop()

st.write(f"**{len(listed)} measure(s) listed** for {fmt.month(period)}.")
actions = commentary.all_actions()
titles = dict(zip(data.catalogue()["indicator_id"], data.catalogue()["title"], strict=True))
for r in listed.itertuples():
    with st.container(border=True):
        st.subheader(fmt.as_text(r.title))
        st.markdown(f"**{fmt.as_text(r.value_text)}** {fmt.as_text(fmt.during(r.period_text))}; at the "
                    f"last meeting {fmt.as_text(r.compared_text)}.")
        st.markdown("**Why it is listed:**\n" + "\n".join(f"- {fmt.as_text(w)}" for w in r.reasons))
        commentary.show_comment(comments.get(r.indicator_id), "Commentary")
        mine = [a for a in actions if r.indicator_id in a.indicators]
        if mine:
            commentary.show_html(commentary.actions_html(mine, titles, "Actions"))

table = exceptions.table(listed, comments)
ui.lazy_table(table, "exceptions")
ui.download_csv(exceptions.csv_table(listed, comments),
                f"exceptions-{pd.Timestamp(period):%Y-%m}.csv", "exceptions",
                label="Download the exception report (CSV)")
