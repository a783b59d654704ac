"""The board pack: one self-contained HTML file (no scripts, no CDN) that prints to PDF.

Scorecard first, then per indicator a chart (inline SVG), a table and the
definition. Built from the same disclosed frames as the pages, so a viewer's
pack shows ``c`` where the pages do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from html import escape

import pandas as pd

from dashboard import (
    annual,
    auth,
    chartspec,
    commentary,
    data,
    exceptions,
    freshness,
    pdf,
    scorecard,
    styles,
    svg,
)
from dashboard import formatting as fmt
from lscp_core import commentary as store
from lscp_core import packs
from lscp_core.viewer import Viewer
from metrics import verdict as spc_verdict

RAG_STYLE = {"Green": "lscp-rag-green", "Amber": "lscp-rag-amber", "Red": "lscp-rag-red"}
DIRECTION_STYLE = {"better": "lscp-better", "worse": "lscp-worse", "no change": "lscp-same",
                   "context": "lscp-context"}
VARIATION_STYLE = {"improvement": "lscp-improvement", "concern": "lscp-concern",
                   "neutral": "lscp-neutral", "common": "lscp-common"}

CSS = styles.CSS


PRINT_CSS = """
body { margin: 2rem; max-width: 1100px; }
h1, h2, h3 { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; }
.lscp-indicator, .lscp-part { margin-top: 2rem; }
.lscp-partnership { font-size: 1.3rem; font-weight: bold; margin-bottom: 0; }
.lscp-exception { border-left: 5px solid #d4351c; padding-left: 0.8rem; margin: 1rem 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dt { font-weight: bold; }
img, svg { max-width: 100%; }
@page {
  size: A4 portrait;
  margin: 16mm 12mm 18mm 12mm;
  @bottom-center { content: "Page " counter(page) " of " counter(pages);
                   font: 8pt Arial, Helvetica, sans-serif; color: #505a5f; }
  @bottom-right { content: "Neglect strategy board pack"; font: 8pt Arial, Helvetica,
                  sans-serif; color: #505a5f; }
}
@media print {
  body { margin: 0; max-width: none; font-size: 9pt; }
  h1 { font-size: 20pt; } h2 { font-size: 15pt; } h3 { font-size: 12pt; }
  .lscp-cover { break-after: page; }
  .lscp-cover h1 { font-size: 16pt; margin: 0.2rem 0; }
  .lscp-cover h2 { font-size: 11pt; margin: 0.6rem 0 0.2rem; }
  .lscp-summary p { margin: 0.1rem 0; font-size: 7pt; }
  html body .lscp-summary table { table-layout: fixed; width: 100%; font-size: 6.6pt;
    margin: 0 0 0.15rem; line-height: 1.1; }
  html body .lscp-summary caption { font-size: 8pt; font-weight: bold; text-align: left;
    padding: 0.05rem 0; }
  html body .lscp-summary th, html .lscp-summary td { padding: 0 0.2rem; overflow-wrap: anywhere; }
  html body .lscp-summary th:nth-child(1) { width: 39%; }
  html body .lscp-summary th:nth-child(2) { width: 13%; }
  html body .lscp-summary th:nth-child(3) { width: 10%; }
  html body .lscp-summary th:nth-child(4) { width: 30%; }
  html body .lscp-summary th:nth-child(5) { width: 8%; }
  html body .lscp-summary .lscp-badge { padding: 0 0.2rem; }
  .lscp-summary .lscp-why { display: block; color: #505a5f; }
  .lscp-contents h2 { display: inline; font-size: 8pt; }
  .lscp-contents ol { display: inline; margin: 0; padding: 0; font-size: 8pt; }
  .lscp-contents li { display: inline; margin-right: 0.6rem; }
  .lscp-contents a::after { content: " p. " target-counter(attr(href), page); }
  .lscp-contents a { color: #0b0c0c; text-decoration: none; }
  .lscp-part { break-before: page; margin-top: 0; }
  /* the details flow on: a strategy, the actions, data quality start where the last ended */
  .lscp-part.lscp-strategy, #actions, #annual, #data-quality, #disclosure { break-before: auto;
    margin-top: 0.8rem; }
  h2, h3 { break-after: avoid; }
  .lscp-indicator { break-inside: avoid; margin-top: 0.6rem; border-top: 1px solid #b1b4b6;
    padding-top: 0.2rem; }
  .lscp-indicator h3 { margin: 0.2rem 0; }
  .lscp-indicator p, .lscp-indicator dl { margin: 0.15rem 0; }
  .lscp-indicator .lscp-chart { width: 50%; }
  .lscp-indicator .lscp-chart svg { width: 100%; height: auto; }
  .lscp-indicator .lscp-chart p { font-size: 7pt; }
  .lscp-indicator .lscp-latest { float: right; width: 47%; }
  html .lscp-indicator .lscp-latest table { font-size: 7.5pt; width: 100%; }
  .lscp-indicator .lscp-latest th, .lscp-indicator .lscp-latest td { padding: 0.05rem 0.2rem; }
  /* the period on one line ("12 months to September 2026"): six rows, not eighteen */
  html .lscp-indicator .lscp-latest th:nth-child(1) { width: 40%; }
  html .lscp-indicator .lscp-latest th:nth-child(2),
  html .lscp-indicator .lscp-latest th:nth-child(4) { width: 18%; }
  html .lscp-indicator .lscp-latest th:nth-child(3) { width: 24%; }
  .lscp-indicator dl { clear: both; font-size: 7.5pt; }
  .lscp-indicator h4 { margin: 0.2rem 0 0; clear: both; }
  .lscp-exception { break-inside: avoid; }
  /* every table fits A4 portrait: fixed layout across the page, long words wrap ('html'
     outranks the copy of CSS the scorecard table carries for the pages) */
  html .lscp-scroll { overflow: visible; }
  html .lscp-card table { table-layout: fixed; width: 100%; font-size: 7.5pt; }
  html .lscp-card th, html .lscp-card td { padding: 0.2rem 0.25rem; overflow-wrap: anywhere;
    box-sizing: border-box; }
  html .lscp-card th[scope=row] { min-width: 0; max-width: none; }
  html .lscp-card td.num strong { white-space: normal; }
  html .lscp-card td img { width: 100%; height: auto; }
  /* the scorecard's eight columns, sized for their content on A4 portrait */
  html .lscp-scorecard th:nth-child(1) { width: 19%; }
  html .lscp-scorecard th:nth-child(2) { width: 11%; }
  html .lscp-scorecard th:nth-child(3), html .lscp-scorecard th:nth-child(4) { width: 9%; }
  html .lscp-scorecard th:nth-child(5) { width: 10%; }
  html .lscp-scorecard th:nth-child(6), html .lscp-scorecard th:nth-child(8) { width: 12%; }
  html .lscp-scorecard th:nth-child(7) { width: 18%; }
  html .lscp-card td .lscp-mdc .lscp-icon { width: 18px; height: 18px; line-height: 16px;
    font-size: 8px; }
  html .lscp-annual { font-size: 6.5pt; }
  html .lscp-annual th:nth-child(1), html .lscp-annual th:nth-child(4),
  html .lscp-annual th:nth-child(6) { width: 9%; }
  html .lscp-annual th:nth-child(2) { width: 17%; }
  html .lscp-annual th:nth-child(3) { width: 12%; }
  html .lscp-annual th:nth-child(5), html .lscp-annual th:nth-child(7),
  html .lscp-annual th:nth-child(9) { width: 7%; }
  html .lscp-annual th:nth-child(8) { width: 8%; }
  html .lscp-annual th:nth-child(10) { width: 15%; }
  html .lscp-annual td, html .lscp-annual th { overflow-wrap: break-word; }
  html .lscp-annual-pack { font-size: 6.5pt; }
  html #data-quality table { font-size: 7pt; }
  #data-quality p, #disclosure p { font-size: 7.5pt; margin: 0.2rem 0; }
  html .lscp-annual-pack caption { font-weight: bold; text-align: left; }
  html .lscp-annual-pack th:nth-child(1) { width: 25%; }
  html .lscp-annual-pack th:nth-child(2) { width: 16%; }
  html .lscp-annual-pack th:nth-child(3), html .lscp-annual-pack th:nth-child(4) { width: 13%; }
  html .lscp-annual-pack th:nth-child(5) { width: 9%; }
  html .lscp-annual-pack th:nth-child(6) { width: 8%; }
  html .lscp-annual-pack th:nth-child(7) { width: 16%; }
  html .lscp-annual-pack td, html .lscp-annual-pack th { padding: 0.05rem 0.2rem;
    overflow-wrap: break-word; }
  tr, svg, img { page-break-inside: avoid; break-inside: avoid; }
  a { color: #0b0c0c; text-decoration: none; }
}
"""


def marking(role: str) -> str | None:
    """The protective marking every page of this role's pack carries (the board's:
    "OFFICIAL-SENSITIVE — not for publication"), or None."""
    return Viewer.of(role).marking


def marking_html(text: str | None) -> tuple[str, str]:
    """(CSS, banner) that put ``text`` on every page: in the top margin of every printed page
    (the PDF, and the HTML printed from a browser) and as a banner the HTML opens and ends
    with on screen. ("", "") without a marking."""
    if not text:
        return "", ""
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    css = (f'@page {{ @top-center {{ content: "{quoted}"; font: bold 9pt Arial, Helvetica, '
           'sans-serif; color: #d4351c; } }\n'
           ".lscp-marking { border: 3px solid #d4351c; color: #d4351c; font-weight: bold; "
           "text-align: center; padding: 0.3rem; margin: 0 0 1rem; letter-spacing: 0.02em; }\n")
    return css, f'<p class="lscp-marking" role="note">{escape(text)}</p>'


def _badge(text: str, cls: str) -> str:
    return f'<span class="lscp-badge {cls}">{escape(text)}</span>'


def manual_badge(r) -> str:
    """'manual' with the figure's source and owner, for a measure entered by hand."""
    if not r.get("manual"):
        return ""
    return (f' {_badge("manual", "lscp-manual")}<br><span class="lscp-muted">Source: '
            f'{escape(str(r.get("source") or "not given"))}; owner: '
            f'{escape(str(r.get("owner") or "not given"))}</span>')


def scorecard_html(card: pd.DataFrame, link: bool = True, caption: str = "",
                   compare: str = "last_year") -> str:
    """The scorecard as an accessible HTML table; each row links to the explorer."""
    head = ("<tr><th scope='col'>Indicator</th><th scope='col'>Value</th>"
            f"<th scope='col'>{escape(scorecard.COMPARISONS[compare])}</th>"
            "<th scope='col'>Direction of travel</th>"
            "<th scope='col'>Target and RAG</th><th scope='col'>Benchmark</th>"
            "<th scope='col'>SPC variation (latest point) and assurance</th>"
            "<th scope='col'>Trend</th></tr>")
    compared = escape(scorecard.COMPARISONS[compare])
    body = []
    for _, r in card.iterrows():
        title = escape(r["title"])
        name = (f'<a href="explorer?indicator={escape(r["indicator_id"])}" target="_self">'
                f'{title}</a>' if link else title) + manual_badge(r)
        rag = r["rag"]
        rag_cell = (fmt.CONFIDENTIAL if r["hidden"] and r["target_text"] != "no target"
                    else _badge(rag, RAG_STYLE[rag]) if rag else '<span class="lscp-muted">no RAG</span>')
        word = r["direction"]
        kind = scorecard.VARIATION_KIND.get(r["variation"] or "", "")
        spark_label = f"Trend of {r['title']} over the last {len(r['spark'])} periods"
        body.append(
            "<tr>"
            f'<th scope="row">{name}<br><span class="lscp-muted">{escape(r["period_text"])}'
            f' · {escape(scorecard.POLARITY_WORDS.get(r["polarity"], ""))}</span></th>'
            f'<td class="num" data-label="Value"><strong>{escape(r["value_text"])}</strong><br>'
            f'<span class="lscp-muted">{escape(r["based_on"])}</span></td>'
            f'<td class="num" data-label="{compared}">{escape(r["last_year_text"])}'
            + (f'<br><span class="lscp-muted">{escape(r.get("compared_with") or "")}</span>'
               if r.get("compared_with") else "") + '</td>'
            f'<td data-label="Direction of travel"><span class="{DIRECTION_STYLE.get(word, "")}">'
            f'{escape((r["arrow"] + " " + word).strip())}</span></td>'
            f'<td data-label="Target and RAG">{escape(r["target_text"])}<br>{rag_cell}</td>'
            f'<td data-label="Benchmark">{escape(r["benchmark_text"])}</td>'
            f'<td data-label="SPC variation and assurance"><span class="lscp-mdc">{svg.variation_icon(r["variation"], r["variation_text"])}'
            f'{svg.assurance_icon(r.get("assurance"), r.get("assurance_text") or "")}</span><br>'
            f'<span class="{VARIATION_STYLE.get(kind, "")}">'
            f'{escape(r["variation_text"])}</span><br>'
            f'<span class="lscp-muted">{escape(r.get("assurance_text") or "")}</span></td>'
            f'<td data-label="Trend">{svg.as_img(svg.sparkline(r["spark"], spark_label), spark_label)}</td>'
            "</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return (f'<div class="lscp-card lscp-scroll"><style>{CSS}</style><table class="lscp-scorecard lscp-responsive">{cap}'
            f'<thead>{head}</thead><tbody>{"".join(body)}</tbody></table></div>')


def _one(frame: pd.DataFrame, iid: str) -> pd.DataFrame:
    """``frame``'s rows of indicator ``iid``: the pack reads each table once for every
    measure (one cached query) and cuts it per measure."""
    return frame[frame["indicator_id"] == iid].reset_index(drop=True)


def _series(role: str, row: pd.Series) -> pd.DataFrame:
    """The headline series (rolling or snapshot figures, or terms) up to the pack's period."""
    vals = _one(data.values(role, localities=["All"], agencies=["All"]), row["indicator_id"])
    return vals[vals["period_end"] <= row["period_end"]].sort_values("period_end")


def _chart_series(role: str, row: pd.Series, headline: pd.DataFrame) -> pd.DataFrame:
    """What the chart draws: for a monthly indicator the SPC series its limits were worked
    out on (each month's own figure), up to the pack's period; termly: the headline."""
    chart = headline
    if row["frequency"] == "monthly":
        # the series the verdict is judged on: each quarter's own figure for a restricted
        # viewer with months hidden (metrics.verdict), else each month's
        spc = _one(data.spc_quarterly(role) if row.get("verdict_step") == "quarter"
                   else data.spc(role), row["indicator_id"])
        if not spc.empty:
            chart = spc[spc["period_end"] <= row["period_end"]][
                ["period_end", "value", "mean", "lpl", "upl", "point_type",
                 *[c for c in ("point_label", "hidden", "baseline_kind", "baseline_label",
                               "baseline_reason", "series") if c in spc.columns]]]
            if row.get("variation") is None:  # no verdict: no point marked as a signal
                chart = chart.assign(point_type=None)
    chart = chart.copy()
    if row["target"] is not None and not pd.isna(row["target"]):
        chart["target"] = float(row["target"])
    return chart.sort_values("period_end")


LATEST_PERIODS = 6  # the pack's table beside each chart: the latest periods, newest first


def _table(series: pd.DataFrame, unit: str, row: pd.Series, title: str) -> str:
    recent = series.tail(LATEST_PERIODS).iloc[::-1]
    rows = "".join(
        f"<tr><th scope='row'>{escape(scorecard.period_text(row, r.period_end))}</th>"
        f"<td class='num'>{escape(fmt.count(r.numerator, r.hidden))}</td>"
        f"<td class='num'>{escape(fmt.denominator(r.denominator, unit, r.hidden))}</td>"
        f"<td class='num'>{escape(fmt.number(r.value, unit, r.hidden))}</td></tr>"
        for r in recent.itertuples())
    return (f"<div class='lscp-card'><table><caption>{escape(title)}: latest periods</caption>"
            "<thead><tr><th scope='col'>Period</th><th scope='col'>Numerator</th>"
            "<th scope='col'>Denominator</th><th scope='col'>Value</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")


def _council_table(role: str, row: pd.Series) -> str:
    """A partnership of several councils: each council's figure beside the partnership's for
    the measure's period, suppressed as on the pages; "" with one council (or a measure
    without council figures, such as one entered by hand)."""
    names = data.councils()
    if not names:
        return ""
    cells = data.values(role, indicator_ids=[row["indicator_id"]], localities=["All"],
                        agencies=["All"], councils=[data.ALL, *names],
                        period_ends=[row["period_end"]])
    if not cells["council"].isin(names).any():
        return ""
    unit, at = row["unit"], scorecard.period_text(row, row["period_end"])
    by = cells.set_index("council")
    rows = "".join(
        f"<tr><th scope='row'>{escape('Partnership' if c == data.ALL else c)}</th>"
        f"<td class='num'>{escape(fmt.count(r.numerator, r.hidden))}</td>"
        f"<td class='num'>{escape(fmt.denominator(r.denominator, unit, r.hidden))}</td>"
        f"<td class='num'>{escape(fmt.number(r.value, unit, r.hidden))}</td></tr>"
        for c in [data.ALL, *names] if c in by.index for r in [by.loc[c]])
    return (f"<div class='lscp-card lscp-councils'><table><caption>{escape(row['title'])}: "
            f"each council beside the partnership, {escape(at)}</caption>"
            "<thead><tr><th scope='col'>Council</th><th scope='col'>Numerator</th>"
            "<th scope='col'>Denominator</th><th scope='col'>Value</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")


def limits_words(row: pd.Series) -> str:
    """Where the chart's limits come from, truthfully: fixed on the months before a
    strategy's launch (judged after it), or worked out again from a known change."""
    if row.get("frequency") == "monthly" and row.get("variation") is None:
        return "there is no verdict on it: the reason is said above."
    if row.get("verdict_step") == "quarter":
        return ("the verdict is judged on each quarter's own figure (three months' numerators "
                "over their denominators) because some months are too small to show; the "
                "quarters' limits leave out any quarter that is confidential.")
    return ("its mean and limits are worked out on the months before the baseline marked "
            "on the chart (the strategy's launch, or a known change), and the months after "
            "it are judged against them; with no baseline marked, on every month shown.")


PLOT_HEIGHT = 150  # the chart's plot area in the pack (the pages': 200): half an A4 width

NO_CHART_WORDS = ("No chart in the pack: there is no SPC verdict to read from one (a figure "
                  "entered by hand, a termly figure or too short a series). Its latest figures "
                  "are in the table; its whole series is on the dashboard's indicator explorer.")


def nothing_to_judge(row) -> bool:
    """A measure with no SPC verdict (no variation icon): the pack prints its table and
    no chart, since a chart would carry nothing the board judges."""
    return row.get("variation") is None


def _indicator_section(role: str, row: pd.Series, comment, actions, titles, anchor: str) -> str:
    """One measure: headline, vector chart on the months its limits were worked out on, its
    table, commentary and actions, definition."""
    words = (f"<h4>Commentary</h4>{commentary.comment_html(comment, reader=role)}"
             + commentary.actions_html(actions, titles, "Actions on this measure")
             if comment is not None or actions else
             "<p class='lscp-muted'>No commentary yet; no actions on this measure.</p>")
    if row["period_end"] is None or pd.isna(row["period_end"]):
        # said, not left out: a board member must see that a measure has no figures
        return (f"<section class='lscp-indicator' id='{anchor}'><h3>{escape(row['title'])}</h3>"
                "<p><strong>No figures yet.</strong> The extract this measure is counted from "
                "has no loaded rows for this period (see the data quality summary).</p>"
                f"{words}<dl><dt>Definition</dt><dd>{escape(str(row['definition'] or ''))}"
                "</dd></dl></section>")
    series = _series(role, row)
    unit = row["unit"]
    what = (spc_verdict.EACH_QUARTER if row.get("verdict_step") == "quarter" else
            scorecard.SERIES_WORDS.get(row.get("spc_series"), "each term's figure"))
    label = f"{row['title']}, partnership: {what}"
    chart_rows = _chart_series(role, row, series)
    spec = chartspec.xmr_spec(  # the spec the explorer's chart is drawn from
        chart_rows, label, unit, chart_rows["target"].iloc[0] if "target" in chart_rows
        and len(chart_rows) else None)
    if not spec.visible:  # said, as on the explorer: why there is nothing to draw
        chart = (f"<p><strong>{escape(chartspec.no_chart_sentence(len(spec.x), spec.step))}"
                 "</strong></p>")
        chart_note = f"The chart would show {what}; {limits_words(row)}"
    elif nothing_to_judge(row):
        # no SPC verdict to read off a chart: the table beside it carries its figures (its
        # whole series is on the explorer), and the pack stays short and quick to print
        chart = ""
        chart_note = NO_CHART_WORDS
    else:
        chart = svg.xmr_chart(spec, label, plot_height=PLOT_HEIGHT)
        chart_note = f"The chart shows {what}; {limits_words(row)}"
    return (
        f"<section class='lscp-indicator' id='{anchor}'><h3>{escape(row['title'])}"
        f"{manual_badge(row)}</h3>"
        f"<p><strong>{escape(row['value_text'])}</strong> "
        f"{escape(fmt.during(row['period_text']))}"
        f" ({escape(scorecard.POLARITY_WORDS.get(row['polarity'], ''))}); "
        f"SPC verdict: {escape(row['variation_text'])} — "
        f"{escape(row['assurance_text'])}.</p>"
        f"<div class='lscp-latest'>{_table(series, unit, row, row['title'])}</div>"
        f"<div class='lscp-chart'>{chart}"
        f"<p class='lscp-muted'>{escape(chart_note)}</p>"
        f"</div>{_council_table(role, row)}{words}"
        f"<dl><dt>Definition</dt><dd>{escape(str(row['definition'] or ''))}</dd>"
        f"<dt>Benchmark</dt><dd>{escape(row['benchmark_text'])}"
        f"{(' — ' + escape(row['benchmark_source'])) if row['benchmark_source'] else ''}</dd>"
        f"<dt>Target</dt><dd>{escape(row['target_text'])}</dd></dl></section>")


def _exceptions_section(role: str, period: pd.Timestamp, comments, actions, titles) -> str:
    listed = exceptions.build(role, period)
    meeting = scorecard.last_meeting(period)
    since = (f"Compared since the last meeting: {escape(meeting[1])}." if meeting else
             "No earlier meeting is listed, so no worsening since a meeting is judged.")
    if listed.empty:
        body = f"<p><strong>{escape(exceptions.NOTHING_LISTED)}</strong></p>"
    else:
        items = []
        for r in listed.itertuples():
            why = "".join(f"<li>{escape(w)}</li>" for w in r.reasons)
            mine = [a for a in actions if r.indicator_id in a.indicators]
            items.append(
                f"<div class='lscp-exception'><h3>{escape(r.title)}</h3>"
                f"<p><strong>{escape(r.value_text)}</strong> "
                f"{escape(fmt.during(r.period_text))}; at the "
                f"last meeting {escape(r.compared_text)}.</p><p>Why it is listed:</p>"
                f"<ul>{why}</ul><h4>Commentary</h4>"
                f"{commentary.comment_html(comments.get(r.indicator_id), reader=role)}"
                + (commentary.actions_html(mine, titles, "Actions") if mine else "")
                + "</div>")
        body = "".join(items)
    return (f"<section class='lscp-part' id='exceptions'><h2>Exception report</h2>"
            f"<p class='lscp-muted'>{since} Listed: a special cause of concern, an assurance "
            "icon saying the target will be missed, a red RAG, or a worsening since the last "
            f"meeting beyond the target's tolerance.</p>{body}</section>"), listed


def _data_quality_section() -> str:
    rows = "".join(
        f"<tr><th scope='row'>{escape(f.extract)}</th>"
        f"<td>{escape(fmt.day(f.last_loaded) if f.last_loaded is not None else 'never')}</td>"
        f"<td>{escape('current' if f.current else f.sentence())}</td></tr>"
        for f in freshness.check())
    report = data.load_report()
    if not report.empty:
        latest = report[(report["run_id"] == report["run_id"].max())
                        & (report["status"] != "refused")]  # links, special files: not read
        totals = (f"<p>The latest refresh read {fmt.count(latest['rows_read'].sum())} rows from "
                  f"{len(latest)} files, loaded {fmt.count(latest['rows_loaded'].sum())} and set "
                  f"aside {fmt.count(latest['rows_quarantined'].sum())} that broke a rule "
                  "(quarantined; see the data quality page).</p>")
    else:
        totals = ""
    return ("<section class='lscp-part' id='data-quality'><h2>Data quality summary</h2>"
            f"{totals}<div class='lscp-card'><table><caption>Extracts: the last file loaded "
            "and whether its figures are current</caption><thead><tr><th scope='col'>Extract"
            "</th><th scope='col'>Last file loaded</th><th scope='col'>Status</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div></section>")


def text_table(frame: pd.DataFrame, caption: str, cls: str = "") -> str:
    """A frame of text cells as an accessible table (first column the row header)."""
    head = "".join(f"<th scope='col'>{escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(
            (f"<th scope='row'>{escape(str(v))}</th>" if n == 0 else
             f"<td data-label='{escape(str(c))}'>{escape(str(v))}</td>")
            for n, (c, v) in enumerate(row.items())) + "</tr>"
        for _, row in frame.iterrows())
    return (f"<div class='lscp-card'><table class='lscp-responsive {cls}'><caption>"
            f"{escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
            "</table></div>")


def last_complete_year(period: pd.Timestamp) -> str:
    """The latest financial year (April to March) that ended by ``period``."""
    start = period.year - 1 if period.month >= 3 else period.year - 2  # March ends a year
    return f"{start}-{(start + 1) % 100:02d}"


def _annual_section(role: str, period: pd.Timestamp) -> str:
    year = last_complete_year(period)
    # the verdict in short (its kind, and the months that signalled in the year): the
    # whole sentence is the measure's section's, and the annual report CSV's
    table = annual.build(role, year, short_verdicts=True).drop(columns=["Commentary"])
    tables = []
    for strategy, part in table.groupby("Strategy", sort=False):  # a table per strategy
        shown = pd.DataFrame({
            "Success measure": part["Success measure"], "Indicator": part["Indicator"],
            "Start": [f"{f} ({w})" if w else f for f, w in
                      zip(part["Start figure"], part["Start"], strict=True)],
            "End": [f"{f} ({w})" if w else f for f, w in
                    zip(part["End figure"], part["End"], strict=True)],
            "Change": part["Change"], "Direction": part["Direction"],
            "SPC verdict": part["SPC verdict"]})
        tables.append(text_table(shown, f"{strategy}, {year}", "lscp-annual-pack"))
    return ("<section class='lscp-part' id='annual'><h2>Annual report extract: "
            f"{escape(year)}</h2><p>Each strategy measure at the start and the end of the "
            f"financial year {escape(year)} (April to March), the change and the SPC verdict, "
            "for the annual report's impact section. The year-end commentary is on the "
            "dashboard's Strategies page and in its CSV.</p>" + "".join(tables) + "</section>")


DISCLOSURE = (
    "These figures come from pseudonymised records: no child can be named from them. Figures "
    "based on 1 to 5 children or records, and any figure from which such a count could be "
    "worked out, are shown as c (confidential) for readers outside the analyst team. The "
    "latest months may be revised when later records arrive. Symbols: c confidential, "
    "x not available, z not applicable.")


CHART_KEY = ("<p class='lscp-muted lscp-key'>How to read each chart: line, the value; solid "
             "black line, the mean; dashed grey lines, the process limits; red dashed line, "
             "the target; blue circles, a special cause improvement; orange squares, a "
             "special cause concern; gaps, suppressed (c) or not available. Beside it, the "
             "latest periods' figures.</p>")
SUMMARY_NOTE = ("Direction: against the same month last year, by each measure's polarity. "
                "Verdict: the Making Data Count reading of the latest month, in short (its "
                "whole sentence, with the rule and the baseline, is in the measure's section). "
                "RAG: against the target. Each measure's chart, figures, commentary and "
                "actions follow.")
SUMMARY_HEAD = ("<thead><tr><th scope='col'>Measure</th><th scope='col'>Value</th>"
                "<th scope='col'>Direction</th><th scope='col'>Verdict (SPC)</th>"
                "<th scope='col'>RAG</th></tr></thead>")


def short_verdict(row) -> str:
    """The verdict in short, for a line of the summary ("Special cause of concern (higher)",
    "Common cause", "No verdict"): the kind ``metrics.verdict`` handed over with the
    sentence (the scorecard's ``verdict_kind``); the whole sentence is in the measure's own
    section, word for word as on every other surface."""
    return str(row["verdict_kind"])


def short_reason(reason: str, row) -> str:
    """An exception's first reason for its line in the summary: an SPC reason as the
    verdict's kind ("SPC: Special cause of concern (higher)"); the whole sentence is in the
    exception report that follows the summary."""
    sentence = f"SPC: {row['variation_text']}"
    return f"SPC: {short_verdict(row)}" if reason == sentence else reason


CONTEXT_GROUP = "Context"  # seeds/strategies.csv: the indicators no strategy names


def context_only(strategies: pd.DataFrame | None = None) -> set[str]:
    """The indicators listed only under Context: a line each in the pack's summary, and no
    section of their own (``strategies``: rows of seeds/strategies.csv, else the database's)."""
    rows = data.strategies() if strategies is None else strategies
    linked = rows[rows["indicator_id"].fillna("").astype(str) != ""]
    named = set(linked.loc[linked["strategy"] != CONTEXT_GROUP, "indicator_id"])
    return set(linked.loc[linked["strategy"] == CONTEXT_GROUP, "indicator_id"]) - named


def _summary_line(r, why: str = "") -> str:
    """One measure on one line: value, direction of travel, SPC verdict, RAG."""
    rag = r["rag"]
    rag_cell = (fmt.CONFIDENTIAL if r["hidden"] and r["target_text"] != "no target"
                else _badge(rag, RAG_STYLE[rag]) if rag else "no target")
    word = r["direction"]
    return (f"<tr><th scope='row'>{escape(r['title'])}"
            + (f"<span class='lscp-why'>{escape(why)}</span>" if why else "") + "</th>"
            f"<td class='num'>{escape(r['value_text'])}</td>"
            f"<td><span class='{DIRECTION_STYLE.get(word, '')}'>"
            f"{escape((r['arrow'] + ' ' + word).strip())}</span></td>"
            f"<td>{escape(short_verdict(r))}</td><td>{rag_cell}</td></tr>")


def _summary_section(card: pd.DataFrame, listed: pd.DataFrame,
                     groups: list[tuple[str, list[str]]]) -> str:
    """The pack's first two pages: the exceptions, then each strategy's measures, one line
    each (value, direction of travel, SPC verdict, RAG); the details follow."""
    by_id = {r["indicator_id"]: r for _, r in card.iterrows()}
    if listed.empty:
        exceptions_part = "<p><strong>Exceptions:</strong> none this month.</p>"
    else:
        lines = "".join(
            _summary_line(by_id[r.indicator_id], short_reason(r.reasons[0], by_id[
                r.indicator_id]) + (
                f" (and {len(r.reasons) - 1} more)" if len(r.reasons) > 1 else ""))
            for r in listed.itertuples() if r.indicator_id in by_id)
        exceptions_part = (f"<table><caption>Exceptions: measures that need the board "
                           f"({len(listed)})</caption>{SUMMARY_HEAD}<tbody>{lines}</tbody>"
                           "</table>")
    strategies = "".join(
        f"<table><caption>{escape(name)}</caption>{SUMMARY_HEAD}<tbody>"
        + "".join(_summary_line(by_id[i]) for i in ids if i in by_id) + "</tbody></table>"
        for name, ids in groups)
    return (f"<div class='lscp-summary'><h2>Summary</h2><p class='lscp-muted'>{SUMMARY_NOTE}"
            f"</p>{exceptions_part}{strategies}</div>")


def _strategy_groups(card: pd.DataFrame, strategy: str | None) -> list[tuple[str, list[str]]]:
    """(strategy, indicator ids) in seed order; measures in no strategy under 'Other'."""
    rows = data.strategies()
    rows = rows[rows["indicator_id"].isin(set(card["indicator_id"]))]
    names = [strategy] if strategy else list(dict.fromkeys(rows["strategy"]))
    groups = [(n, list(dict.fromkeys(rows.loc[rows["strategy"] == n, "indicator_id"])))
              for n in names]
    if not strategy:
        covered = {i for _, ids in groups for i in ids}
        other = [i for i in card["indicator_id"] if i not in covered]
        if other:
            groups.append(("Other measures", other))
    return [(n, ids) for n, ids in groups if ids]


def _grouped_scorecard(card: pd.DataFrame, compare: str) -> str:
    """The pack's scorecard, one table per catalogue group when there are several."""
    grouped = card.assign(group=card["indicator_id"].map(data.indicator_groups()))
    names = list(dict.fromkeys(grouped["group"]))
    if len(names) < 2:
        return scorecard_html(card, link=False, caption="Scorecard: partnership figures",
                              compare=compare)
    return "".join(f"<h3>{escape(name)}</h3>" + scorecard_html(
        part, link=False, caption=f"Scorecard: partnership figures, {name}", compare=compare)
        for name, part in grouped.groupby("group", sort=False))


HOW_WORDS = {"indicator": "Measured by the indicator", "proxy": "Measured by proxy",
             "manual": "Entered by hand (manual)", "not measurable": "Not measurable",
             "context": "Context"}


def measures_html(name: str) -> str:
    """How the success measures of strategy ``name`` that are not measured exactly are
    measured (seeds/strategies.csv): by proxy (what differs, in words), by hand, or not
    (why); '' if every one is measured by its indicator (the summary lists those)."""
    rows = data.strategies()
    rows = rows[(rows["strategy"] == name) & (rows["how_measured"] != "indicator")]
    if rows.empty:
        return ""
    known = data.measures()
    titles = dict(zip(known["indicator_id"], known["title"], strict=True))
    body = "".join(
        f"<tr><th scope='row'>{escape(r.success_measure)}</th>"
        f"<td>{escape(titles.get(r.indicator_id, r.indicator_id) or fmt.NOT_APPLICABLE)}</td>"
        f"<td><strong>{escape(HOW_WORDS.get(r.how_measured, r.how_measured))}</strong>"
        + (f": {escape(r.reason)}" if r.reason else "") + "</td></tr>"
        for r in rows.itertuples())
    return (f"<table><caption>{escape(name)}: how each success measure is measured, where "
            "not exactly by its indicator</caption>"
            "<thead><tr><th scope='col'>Success measure</th><th scope='col'>Measured by</th>"
            f"<th scope='col'>How</th></tr></thead><tbody>{body}</tbody></table>")


def build(role: str, strategy: str | None, period: pd.Timestamp, compare: str = "last_year",
          partnership: str | None = None, step: Callable[[str], None] | None = None) -> str:
    """The whole pack as one HTML document (the PDF is printed from this same HTML): a
    two-page summary first (the exceptions, then each strategy's measures, one line each),
    the details after it. ``step`` is told each part as it is built (a progress bar)."""
    step = step or (lambda _what: None)
    period = pd.Timestamp(period)
    step("the scorecard")
    card = scorecard.build(role, strategy, period, compare)
    info = data.meta()
    partnership = partnership or auth.settings()[0].partnership
    scope = strategy or "all strategies"
    title = f"Neglect strategy board pack: {scope}, {fmt.month(period)}"
    titles = dict(zip(data.catalogue()["indicator_id"], data.catalogue()["title"], strict=True))
    comments = commentary.for_month(period)
    actions = commentary.all_actions()
    step("the exception report")
    exceptions_html, listed = _exceptions_section(role, period, comments, actions, titles)
    by_id = {r["indicator_id"]: r for _, r in card.iterrows()}
    groups = _strategy_groups(card, strategy)
    summary_html = _summary_section(card, listed, groups)
    parts, contents = [], [("summary", "Summary"), ("exceptions", "Exception report")]
    detailed: dict[str, str] = {}  # a measure's chart and table once, under its first strategy
    for n, (name, ids) in enumerate(groups):
        step(name)
        anchor = f"strategy-{n + 1}"
        contents.append((anchor, name))
        rows = card[card["indicator_id"].isin(ids)]
        shown_before = [i for i in ids if i in detailed]
        see = ("<p class='lscp-muted'>Charts and tables of " + "; ".join(
            f"{escape(titles.get(i, i))} (under {escape(detailed[i])})" for i in shown_before)
            + " are in the earlier strategy's section.</p>") if shown_before else ""
        sections = []
        if name == CONTEXT_GROUP:  # not what the board judges: one line each in the summary
            parts.append(
                f"<section class='lscp-part lscp-strategy' id='{anchor}'><h2>{escape(name)}</h2>"
                f"<p class='lscp-muted'>{len(rows)} measure(s) no strategy names, published as "
                "context: each on one line in the summary, with its chart and figures on the "
                "dashboard's indicator explorer.</p>" + measures_html(name) + "</section>")
            continue
        for i in ids:
            if i not in detailed:
                detailed[i] = name
                sections.append(_indicator_section(
                    role, by_id[i], comments.get(i), [a for a in actions if i in a.indicators],
                    titles, f"{anchor}-{i}"))
        parts.append(
            f"<section class='lscp-part lscp-strategy' id='{anchor}'><h2>{escape(name)}</h2>"
            + (CHART_KEY if n == 0 else "") +
            f"<p class='lscp-muted'>{len(rows)} measure(s); each on one line in the summary."
            "</p>" + measures_html(name) + see + "".join(sections) + "</section>")
    step("actions, the annual report extract and data quality")
    contents += [("actions", "Actions"), ("annual", "Annual report extract"),
                 ("data-quality", "Data quality summary"),
                 ("disclosure", "About these figures")]
    made = datetime.now(UTC).strftime("%d %B %Y %H:%M UTC").lstrip("0")
    late = freshness.out_of_date()
    late_note = ("<p><strong>Not all figures are current:</strong> "
                 + escape("; ".join(f.sentence() for f in late)) + ".</p>") if late else ""
    unreadable = store.check(commentary.path())
    if unreadable:  # said on the first page, not left as "no commentary yet"
        late_note += (f"<p><strong>Commentary and actions could not be read</strong> "
                      f"({escape(unreadable)}): the figures are not affected.</p>")
    marked = marking(role)
    mark_css, mark_banner = marking_html(marked)
    role_note = ("Figures based on 1 to 5 children or records are shown as c (confidential)."
                 if not data.unsuppressed(role) else
                 f"UNSUPPRESSED figures for the board: {marked}." if marked else
                 "UNSUPPRESSED figures for analysts: do not share outside the partnership.")
    toc = "".join(f"<li><a href='#{a}'>{escape(t)}</a></li>" for a, t in contents)
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{CSS}{PRINT_CSS}{mark_css}</style></head>
<body class="lscp-card">
{mark_banner}
<section class="lscp-cover" id="summary">
<p class="lscp-partnership">{escape(partnership)}</p>
<h1>{escape(title)}</h1>
<p class="lscp-month">Figures for <strong>{escape(fmt.month(period))}</strong>. Data last
loaded on <strong>{escape(fmt.day(info.get('built_at')))}</strong> (figures to
{escape(fmt.day(info.get('as_at')))}); pack made {made}.</p>
{late_note}
<nav class="lscp-contents" aria-label="Contents"><h2>Contents</h2><ol>{toc}</ol></nav>
{summary_html.replace(SUMMARY_NOTE, escape(role_note) + " Symbols: c confidential, "
                      "x not available, z not applicable. " + SUMMARY_NOTE)}
</section>
{exceptions_html}
{''.join(parts)}
<section class="lscp-part" id="actions"><h2>Actions</h2>
{commentary.actions_html(actions, titles, "Every action the board has agreed")}</section>
{_annual_section(role, period)}
{_data_quality_section()}
<section class="lscp-part" id="disclosure"><h2>About these figures</h2>
<p>{escape(DISCLOSURE)}</p><p>{escape(role_note)}</p></section>
{mark_banner}
</body></html>"""


def make(role: str, strategy: str | None, period: pd.Timestamp, *, kind: str, who: str,
         compare: str = "last_year") -> bytes:
    """The pack as ``kind`` (pdf or html), kept with an index line (lscp_core.packs) so what the
    board saw stays available after later runs revise the figures."""
    html = build(role, strategy, period, compare)
    content = to_pdf(html) if kind == "pdf" else html.encode("utf-8")
    packs.keep(data.db_path(), content, kind=kind, month=pd.Timestamp(period).strftime("%Y-%m"),
               scope=strategy or "all strategies", who=who, role=role)
    return content


def to_pdf(html: str, step: Callable[[str], None] | None = None) -> bytes:
    """The pack's HTML printed to PDF (``step``: told when pages are laid out and written)."""
    return pdf.html_to_pdf(html, step)
