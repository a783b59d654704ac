"""Commentary and actions: what the sub-group says about each measure, and what was agreed.

Everyone reads; analysts write. Every save is a new version (history below the text), and a
save on top of a version someone else has since replaced is refused with the newer text.
"""

from __future__ import annotations

import datetime as dt
import uuid
from html import escape

import pandas as pd
import streamlit as st

from dashboard import commentary, data, ui
from dashboard import formatting as fmt
from lscp_core import commentary as store
from lscp_core import packs
from lscp_core.errors import UserError

ui.require_db()
role = ui.role()
commentary.reset_banner()
can_edit = data.writes(role)  # analysts only (the board reads)
st.title("Commentary and actions")
st.write("The sub-group's commentary on each measure and month, and the actions the board "
         "agreed, with their owners. Commentary appears on the scorecard, the exception "
         "report, the indicator explorer and the board pack, for every viewer.")
where = commentary.path()
problem = store.check(where)
if problem:  # the banner is shown by the first read below
    commentary.all_actions()
if not can_edit:
    st.info("Only analysts can write commentary and actions; you can read them.",
            icon=":material/visibility:")
elif not problem and store.writable(where):
    st.warning(f"Commentary cannot be saved: {fmt.as_text(store.writable(where))}.",
               icon=":material/edit_off:")

if st.session_state.get("cm_flash"):  # what the last save did, shown after the rerun
    st.session_state["cm_last_flash"] = st.session_state.pop("cm_flash")
if st.session_state.get("cm_last_flash"):  # and kept in view until the next save says more
    st.success(st.session_state["cm_last_flash"], icon=":material/check:")

cat = data.catalogue()
titles = dict(zip(cat["indicator_id"], cat["title"], strict=True))
months = data.periods("monthly") or data.periods()
# opened from a measure (the explorer's link): that measure, in the commentary and a new action
opened_from = st.session_state.pop(commentary.FROM_MEASURE, None)
if opened_from in titles:
    st.session_state["cm_indicator"] = opened_from
    st.session_state["act_choice"] = "new"
    st.session_state["act_prefill"] = opened_from
left, right = st.columns(2)
indicator = left.selectbox("Indicator", list(titles), format_func=lambda i: titles.get(i, i),
                           key="cm_indicator")
month = right.selectbox("Data month", months, format_func=fmt.month, key="cm_month")
month_id = commentary.month_key(month)

st.header(f"Commentary: {titles[indicator]}, {fmt.month(month)}", divider="gray")
versions = commentary.read_or_banner(lambda: store.history(where, indicator, month_id), [])
current = versions[0] if versions and versions[0].body.strip() else None
commentary.show_comment(current)
if len(versions) > 1 or (versions and not current):
    with st.expander(f"History: {len(versions)} versions"):
        for v in versions:
            commentary.show_html(f"<p><strong>Version {v.version}</strong> · "
                                 f"{escape(commentary.byline(v))}</p>"
                                 f"{commentary.render(v.body) or '<p><em>(withdrawn)</em></p>'}")

if can_edit and not problem and not store.writable(where):
    # the version this editor started from: kept until a save succeeds, so a save on top of
    # someone else's newer one is caught rather than silently overwriting it
    base_key = f"cm_base_{indicator}_{month_id}"
    text_key = f"cm_text_{indicator}_{month_id}"
    if base_key not in st.session_state:
        st.session_state[base_key] = versions[0].version if versions else 0
        st.session_state[text_key] = versions[0].body if versions else ""
    text = st.text_area("Your commentary (Markdown: **bold**, *italic*, lists and links; "
                        "no HTML, no images)", key=text_key, height=160)
    small = commentary.small_numbers(text)
    confirmed = True
    if small:
        st.warning("This text holds " + ", ".join(f"**{fmt.as_text(n)}**" for n in small)
                   + ": a number from 1 to 5 may identify children, and commentary reaches "
                   "restricted viewers. Check it is not a count of 1 to 5 children or records.",
                   icon=":material/warning:")
        confirmed = st.checkbox("I have checked: no count of 1 to 5 children or records",
                                key=f"cm_checked_{indicator}_{month_id}")
    if st.button("Save commentary", type="primary", key="cm_save"):
        if not confirmed:
            st.error("Not saved: tick the check above first.")
        else:
            try:
                saved = store.save_comment(where, indicator, month_id, text,
                                           st.session_state.get("user", "unknown"),
                                           st.session_state[base_key])
            except store.StaleEdit as exc:
                st.error(f"**Not saved**: {fmt.as_text(exc)}. The newer text is below; "
                         "copy what you need from yours, then start from the newer one.")
                commentary.show_html(commentary.comment_html(exc.newer))
                st.session_state["cm_newer"] = (base_key, text_key, exc.newer.version,
                                                exc.newer.body)
            except store.CommentaryUnavailable as exc:
                st.error(f"Not saved: {fmt.as_text(exc)}.")
            else:
                del st.session_state[base_key]
                st.session_state.pop("cm_newer", None)
                st.session_state["cm_flash"] = f"Commentary saved (version {saved.version})."
                st.rerun()
    newer = st.session_state.get("cm_newer")
    if newer and newer[0] == base_key:
        def _start_from_newer(n=newer):
            st.session_state[n[0]], st.session_state[n[1]] = n[2], n[3]
            st.session_state.pop("cm_newer", None)
        st.button("Start again from the newer text", on_click=_start_from_newer,
                  key="cm_take_newer")

st.header("Actions", divider="gray")
actions = commentary.all_actions()
commentary.show_actions(actions, "Actions agreed by the board", "all")

if can_edit and not problem and not store.writable(where):
    agency_seed = data.agencies()
    agencies = list(agency_seed["agency_code"])
    agency_names = dict(zip(agency_seed["agency_code"], agency_seed["agency_name"],
                            strict=True))
    meetings = data.meetings()
    meeting_names = [f"{m.meeting_date:%Y-%m-%d} {m.board}" for m in meetings.itertuples()]
    existing = {a.action_id: a for a in actions}
    choice = st.selectbox("Add or update", ["new", *existing],
                          format_func=lambda i: "A new action" if i == "new" else
                          f"{i}: {existing[i].action[:60]}", key="act_choice")
    was = existing.get(choice)
    base_key = f"act_base_{choice}"
    if was is not None and base_key not in st.session_state:
        st.session_state[base_key] = was.version
    # one token per form instance, stored with the record: a second click, a double submit or
    # a rerun of the same form saves nothing new; a successful save starts a fresh (empty) form
    token_key = f"act_token_{choice}"
    if token_key not in st.session_state:
        st.session_state[token_key] = uuid.uuid4().hex
    token = st.session_state[token_key]
    with st.form(f"act_form_{choice}_{st.session_state.get(base_key, 0)}_{token}"):
        what = st.text_area("Action", value=was.action if was else "")
        a, b, c = st.columns(3)
        owner = a.selectbox("Owner agency", agencies,
                            index=agencies.index(was.owner) if was and was.owner in agencies
                            else 0, format_func=lambda code: agency_names.get(code, code))
        due = b.date_input("Due", value=dt.date.fromisoformat(was.due_date) if was
                           else commentary.today() + dt.timedelta(days=90), format="YYYY-MM-DD")
        status = c.selectbox("Status", store.ACTION_STATUSES,
                             index=store.ACTION_STATUSES.index(was.status) if was else 0,
                             format_func=store.STATUS_LABELS.get)
        reason = st.text_input("Why it is closed or withdrawn (needed for Done or Dropped)",
                               value=was.reason if was else "")
        prefill = st.session_state.get("act_prefill")
        linked = st.multiselect("Indicators it concerns", list(titles),
                                default=[i for i in (was.indicators if was else
                                                     (prefill,) if prefill else ())
                                         if i in titles],
                                format_func=lambda i: titles.get(i, i))
        raised_options = meeting_names or ["(no meetings listed)"]
        raised = st.selectbox("Raised at", raised_options,
                              index=raised_options.index(was.meeting) if was and
                              was.meeting in raised_options else len(raised_options) - 1)
        submitted = st.form_submit_button("Save action", type="primary")
        if submitted and was is None and not what.strip() and \
                st.session_state.get("cm_last_flash"):
            # a further click that reached the new, empty form the save left: nothing to
            # save, and no error; what was saved stays said at the top of the page
            pass
        elif submitted:
            try:
                saved = store.save_action(
                    where, action=what, owner=owner, due_date=due, status=status,
                    indicators=linked, meeting=raised, author=st.session_state.get("user",
                                                                                   "unknown"),
                    action_id=None if was is None else was.action_id,
                    base_version=st.session_state.get(base_key, 0), save_key=token,
                    reason=reason if status in store.CLOSED_STATUSES else "")
            except store.StaleEdit as exc:
                st.error(f"**Not saved**: {fmt.as_text(exc)}. Now: "
                         f"{fmt.as_text(exc.newer.action)} · {fmt.as_text(exc.newer.owner)} · "
                         f"due {exc.newer.due_date} · {fmt.as_text(exc.newer.status)}.")
                st.session_state.pop(base_key, None)
            except (ValueError, store.CommentaryUnavailable) as exc:
                st.error(f"Not saved: {fmt.as_text(exc)}.")
            else:
                st.session_state.pop(base_key, None)
                st.session_state.pop(token_key, None)
                st.session_state.pop("act_prefill", None)
                why = f" ({fmt.as_text(saved.reason)})" if saved.reason else ""
                st.session_state["cm_flash"] = (
                    f"Action {saved.action_id} saved (version {saved.version}): "
                    f"{fmt.as_text(saved.action)} · owner "
                    f"{fmt.as_text(agency_names.get(saved.owner, saved.owner))} · due "
                    f"{saved.due_date} · {fmt.as_text(store.STATUS_LABELS[saved.status])}"
                    f"{why}.")
                st.rerun()
    if was is not None:
        with st.expander(f"History of action {was.action_id}"):
            past = commentary.read_or_banner(lambda: store.action_history(where, was.action_id), [])
            st.dataframe(pd.DataFrame({
                "Version": [p.version for p in past], "Saved by": [p.author for p in past],
                "Saved at": [p.saved_at for p in past],
                "Status": [store.STATUS_LABELS.get(p.status, p.status) for p in past],
                "Reason": [p.reason for p in past],
                "Owner": [agency_names.get(p.owner, p.owner) for p in past],
                "Due": [p.due_date for p in past], "Action": [p.action for p in past]}),
                hide_index=True, key="table_action_history")

st.header("Board packs made", divider="gray")
st.write("Every board pack made (downloads on the scorecard and `lscp pack`) is kept, so what "
         "a board saw stays available after later refreshes revise the figures.")
try:
    kept = packs.index(data.db_path())
except UserError as exc:
    st.warning(f"The list of packs cannot be read: {fmt.as_text(exc)}.")
    kept = []
if not kept:
    st.caption("No pack has been made yet.")
else:
    st.dataframe(pd.DataFrame({
        "Made (UTC)": [k["made_at"] for k in kept], "Month": [k["month"] for k in kept],
        "Strategy": [k["scope"] for k in kept],
        "Made by": [commentary.person(k["who"], role, k["role"]) for k in kept],
        "Figures": [f"unsuppressed ({k['role']})" if data.unsuppressed(k["role"]) else
                    f"suppressed ({k['role']})" for k in kept],
        "Format": [k["format"] for k in kept]}), hide_index=True, key="table_packs")
    # an analyst's or the board's pack holds unsuppressed figures: only those who see
    # unsuppressed figures may fetch it again
    mine = [k for k in kept if data.unsuppressed(role) or k["role"] == "viewer"]
    if mine:
        pick = st.selectbox("Pack", range(len(mine)), key="pk_pick",
                            format_func=lambda i: f"{mine[i]['made_at']} · {mine[i]['month']} · "
                            f"{mine[i]['scope']} · {mine[i]['format'].upper()}")
        chosen = mine[pick]
        try:
            body = packs.kept_file(data.db_path(), chosen["file"]).read_bytes()
        except (UserError, OSError) as exc:
            st.warning(f"This pack cannot be read: {fmt.as_text(exc)}.")
        else:
            st.download_button("Download this pack again", data=body, file_name=chosen["file"],
                               mime="application/pdf" if chosen["format"] == "pdf"
                               else "text/html", key="pk_download",
                               icon=":material/download:", on_click="ignore")
