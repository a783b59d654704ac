"""Board scorecard (home): every indicator at a glance for a strategy and a month."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import boardpack, commentary, data, published_pack, scorecard, ui
from dashboard import formatting as fmt
from lscp_core import packs

ALL_STRATEGIES = "All strategies"

ui.require_db()
role = ui.role()
commentary.reset_banner()
st.title("Board scorecard")
ui.failed_run_banner(small=True)
ui.stale_extract_banner()
st.write("How the partnership is doing on each neglect measure: the latest figure, the change "
         "since the same month last year, the target and the statistical signal. Select an "
         "indicator's name to explore it.")

choices = [ALL_STRATEGIES, *dict.fromkeys(data.strategies()["strategy"])]
months = data.periods("monthly") or data.periods()
left, middle, right = st.columns(3)
strategy = left.selectbox("Strategy", choices, key="sc_strategy")
period = middle.selectbox("Month", months, format_func=fmt.month, key="sc_period",
                          help="The latest month is selected first. Termly indicators show the "
                               "latest term ending in or before this month.")
compare = right.selectbox("Compare with", list(scorecard.COMPARISONS),
                          format_func=lambda c: {"last_year": "the same month last year",
                                                 "last_meeting": "the last meeting",
                                                 "baseline": "the strategy baseline"}[c],
                          key="sc_compare",
                          help="The last meeting: the figure for the month that meeting looked "
                               "at, as the data stand now. The baseline: the month before the "
                               "strategy's launch.")
ui.refreshed_note()

chosen = None if strategy == ALL_STRATEGIES else strategy
card = scorecard.build(role, chosen, pd.Timestamp(period), compare)
if card.empty:
    st.info("No indicators are linked to this strategy.")
    st.stop()

# one table per group of the catalogue (the front door and conferences apart, say)
grouped = card.assign(group=card["indicator_id"].map(data.indicator_groups()))
names = list(dict.fromkeys(grouped["group"]))
for name, part in grouped.groupby("group", sort=False):
    if len(names) > 1:
        st.subheader(name)
    st.html(boardpack.scorecard_html(
        part, caption=f"{strategy}: " + (f"{name}, " if len(names) > 1 else "")
        + f"partnership figures for {fmt.month(period)}", compare=compare))
st.caption(f"Direction of travel: {scorecard.COMPARISONS[compare].lower()}; better or worse "
           "follows each indicator's polarity. RAG: green at or better than target, amber within "
           "tolerance, red beyond; indicators without a target have no RAG. SPC variation and "
           "assurance use the NHS England Making Data Count rules on each month's own figure, "
           "or each quarter's where months are too small to show; with fewer than 15 points "
           "there is no verdict, with 15 to 19 the limits are trial limits "
           "([how to read them](about#how-to-read-spc)). c = confidential (small numbers), "
           "x = not available, z = not applicable.")

comments = commentary.for_month(period)
st.subheader(f"Commentary for {fmt.month(period)}")
said = [r for r in card.itertuples() if r.indicator_id in comments]
if said:
    for r in said:
        commentary.show_comment(comments[r.indicator_id], r.title)
else:
    st.caption("No commentary has been written for this month "
               "([Commentary and actions](commentary)).")
on_card = set(card["indicator_id"])
commentary.show_actions([a for a in commentary.all_actions() if on_card & set(a.indicators)],
                        "Actions on these measures", f"scorecard-{pd.Timestamp(period):%Y-%m}")

table = scorecard.board_table(card, compare)
ui.lazy_table(table, "scorecard")
slug = "all" if chosen is None else "".join(c if c.isalnum() else "-" for c in chosen.lower())
stamp = pd.Timestamp(period).strftime("%Y-%m")
# one below the other, not in columns: three columns of long button labels ran past the
# edge of a 768 px tablet
ui.download_csv(scorecard.csv_table(card, compare), f"scorecard-{slug}-{stamp}.csv", "scorecard",
                label="Download the scorecard (CSV)")
who = st.session_state.get("user", "unknown")
# The board pack. The newest month's (every strategy, against last year) is built when the
# data are published and served as kept; any other is built here, with a progress bar.
request = (role, chosen, stamp, compare)
kept = {kind: published_pack.kept(role, chosen, pd.Timestamp(period), compare, kind)
        for kind in published_pack.KINDS}
made = st.session_state.get("lscp_pack_made")
if all(kept.values()):
    ready = {kind: kept[kind].read for kind in published_pack.KINDS}
elif made and made["request"] == request:
    ready = {kind: (lambda body=made[kind]: body) for kind in published_pack.KINDS}
else:
    ready = None
    st.caption(f"The board pack for {fmt.month(period)} is built when you ask for it "
               "(a few seconds); the latest month's is ready as soon as the data are "
               "published.")
    if st.button("Prepare the board pack", key="board_pack_prepare",
                 icon=":material/picture_as_pdf:"):
        parts = 6 + data.strategies()["strategy"].nunique()
        bar = st.progress(0.0, text="Building the board pack")
        done = [0]

        def advance(what: str) -> None:
            done[0] += 1
            bar.progress(min(done[0] / parts, 1.0), text=f"Building the board pack: {what}")

        html = boardpack.build(role, chosen, pd.Timestamp(period), compare, step=advance)
        pdf = boardpack.to_pdf(html, advance)
        made = {"request": request, "pdf": pdf, "html": html.encode("utf-8")}
        st.session_state["lscp_pack_made"] = made
        if chosen is None and compare == published_pack.ALL_STRATEGIES_COMPARE and \
                pd.Timestamp(period) == published_pack.newest_month():
            # the newest month's pack was out of date (commentary saved since): kept again
            key = published_pack.inputs_key(role, None, pd.Timestamp(period), compare)
            for kind in published_pack.KINDS:
                published_pack.store(role, pd.Timestamp(period), kind, made[kind], key)
        bar.empty()
        ready = {kind: (lambda body=made[kind]: body) for kind in published_pack.KINDS}


def _served(kind: str, body) -> bytes:
    """The pack as downloaded, kept with an index line (every pack a board saw is kept)."""
    try:
        content = body()
    except OSError:  # a new publish replaced the kept pack since the page was drawn
        html = boardpack.build(role, chosen, pd.Timestamp(period), compare)
        content = boardpack.to_pdf(html) if kind == "pdf" else html.encode("utf-8")
    packs.keep(data.db_path(), content, kind=kind, month=stamp,
               scope=chosen or "all strategies", who=who, role=role)
    return content


if ready:
    for kind, mime, label, icon in (
            ("pdf", "application/pdf", "Download the board pack (PDF)",
             ":material/picture_as_pdf:"),
            ("html", "text/html", "Download the board pack (HTML)", ":material/print:")):
        st.download_button(
            label, data=ui.audited_data(lambda k=kind: _served(k, ready[k]), "board_pack",
                                        chosen or "all strategies"),
            file_name=f"board-pack-{slug}-{stamp}.{kind}", mime=mime, key=f"board_pack_{kind}",
            icon=icon, on_click="ignore")
