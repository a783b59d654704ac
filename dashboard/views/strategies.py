"""Strategies: each strategy's success measures, their status now, and what cannot be measured."""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from dashboard import annual, boardpack, commentary, data, scorecard, ui
from dashboard import formatting as fmt

# how a measure is measured (seeds/strategies.csv how_measured) -> the CSV's Kind
KINDS = {"indicator": "computed", "proxy": "computed (proxy)", "manual": "manual",
         "context": "context", "not measurable": "not measurable"}
LEADS = {"proxy": "Measured by proxy", "context": "Context"}

ui.require_db()
role = ui.role()
st.title("Strategies")
st.write("Every success measure of the neglect strategies this dashboard draws on, with how "
         "it is measured: by an indicator computed from the extracts; by proxy, an indicator "
         "close to it, with what differs said beneath; by a figure entered by hand (an audit, "
         "a survey, a training count: badged manual, with its source and owner); or not at "
         "all, with the reason. Under Context: indicators no strategy names, with why they "
         "are published.")
ui.refreshed_note()

months = data.periods("monthly") or data.periods()
card = scorecard.build(role, None, pd.Timestamp(months[0])).set_index("indicator_id")
measures = data.strategies()
rows_for_csv = []
for strategy, group in measures.groupby("strategy", sort=False):
    st.header(fmt.as_text(strategy), divider="gray")
    body = []
    for m in group.itertuples():
        iid, how, measure, why = m.indicator_id, m.how_measured, m.success_measure, m.reason
        kind = KINDS.get(how, how)
        if not iid or iid not in card.index:
            if how == "not measurable" or not iid:
                lead, why = "Not measurable", why or "no extract or entered figure records it"
            else:  # an indicator the strategy names that this database does not publish
                lead, why = "Not computed yet", (
                    f"no figure with the id {iid!r} is published (its extract may not be "
                    "sent yet)" + (f". {LEADS.get(how, how).capitalize()}: {why}" if why
                                   else ""))
            status = f"<td colspan='5'><strong>{lead}:</strong> {escape(why)}</td>"
            rows_for_csv.append({"Strategy": strategy, "Success measure": measure,
                                 "Measured by": lead.lower(), "Kind": kind,
                                 "Caveat": why, "Value": fmt.NOT_AVAILABLE,
                                 "Direction of travel": "", "RAG": "", "SPC variation": "",
                                 **dict.fromkeys(scorecard.FIGURE_COLUMNS, fmt.NOT_AVAILABLE)})
            why = ""  # said in the row
        else:
            r = card.loc[iid]
            variation = scorecard.VARIATION_KIND.get(r["variation"] or "", "")
            rag = (boardpack._badge(r["rag"], boardpack.RAG_STYLE[r["rag"]]) if r["rag"]
                   else "<span class='lscp-muted'>no target</span>")
            status = (f"<td><a href='explorer?indicator={escape(iid)}' target='_self'>"
                      f"{escape(r['title'])}</a>{boardpack.manual_badge(r)}</td>"
                      f"<td class='num'>{escape(r['value_text'])}<br>"
                      f"<span class='lscp-muted'>{escape(r['period_text'])}</span></td>"
                      f"<td><span class='{boardpack.DIRECTION_STYLE.get(r['direction'], '')}'>"
                      f"{escape((r['arrow'] + ' ' + r['direction']).strip())}</span></td>"
                      f"<td>{rag}</td>"
                      f"<td><span class='{boardpack.VARIATION_STYLE.get(variation, '')}'>"
                      f"{escape(r['variation_text'])}</span></td>")
            rows_for_csv.append({"Strategy": strategy, "Success measure": measure,
                                 "Measured by": r["title"],
                                 "Kind": "manual" if r["manual"] else kind,
                                 "Caveat": why, "Value": r["value_text"],
                                 "Direction of travel": r["direction"],
                                 "RAG": r["rag"] or "no target",
                                 "SPC variation": r["variation_text"],
                                 **scorecard.figure_cells(r)})
        note = (f"<br><span class='lscp-muted'><strong>{escape(LEADS.get(how, 'Note'))}:"
                f"</strong> {escape(why)}</span>" if why else "")
        body.append(f"<tr><th scope='row'>{escape(measure)}{note}</th>{status}</tr>")
    st.html(f"<div class='lscp-card'><style>{boardpack.CSS}</style><table>"
            f"<caption>{escape(strategy)}: "
            f"{'indicators no strategy names' if strategy == 'Context' else 'success measures'}"
            "</caption><thead><tr>"
            "<th scope='col'>Success measure</th><th scope='col'>Measured by</th>"
            "<th scope='col'>Latest</th><th scope='col'>Direction of travel</th>"
            "<th scope='col'>RAG</th><th scope='col'>SPC variation</th></tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")

table = pd.DataFrame(rows_for_csv)
ui.lazy_table(table.drop(columns=scorecard.FIGURE_COLUMNS), "strategies")
ui.download_csv(table.rename(columns=scorecard.AS_SHOWN), "strategies.csv", "strategies")

st.header("Annual report extract", divider="gray")
st.write("For a financial year (April to March): each strategy measure's figure at the start "
         "and the end of the year, the change, the SPC verdict and the year-end commentary, "
         "for the annual report's impact section. The start figure is the one for March "
         "before the year began; for a year still under way, the latest month and the same "
         "month a year before.")
commentary.reset_banner()
year = st.selectbox("Financial year", annual.years(months), key="st_year")
extract = annual.build(role, year)
ui.static_table(extract, "annual")
ui.download_csv(extract, f"annual-report-extract-{year}.csv", "annual",
                label="Download the annual report extract (CSV)")
