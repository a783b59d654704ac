"""The board pack: one self-contained HTML file (no scripts, no CDN) that prints to PDF.

Scorecard first, then per indicator a chart (inline SVG), a table and the
definition. Built from the same disclosed frames as the pages, so a viewer's
pack shows ``c`` where the pages do.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

import pandas as pd

from dashboard import data, freshness, scorecard, svg
from dashboard import formatting as fmt

RAG_STYLE = {"Green": "lscp-rag-green", "Amber": "lscp-rag-amber", "Red": "lscp-rag-red"}
DIRECTION_STYLE = {"better": "lscp-better", "worse": "lscp-worse", "no change": "lscp-same",
                   "context": "lscp-context"}
VARIATION_STYLE = {"improvement": "lscp-improvement", "concern": "lscp-concern",
                   "neutral": "lscp-neutral", "common": "lscp-common"}

CSS = """
.lscp-card { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; }
.lscp-card table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
.lscp-card caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }
.lscp-card th, .lscp-card td { border-bottom: 1px solid #b1b4b6; padding: 0.45rem 0.4rem;
  text-align: left; vertical-align: top; }
.lscp-card th { background: #f3f2f1; }
.lscp-card td.num { text-align: right; font-variant-numeric: tabular-nums; }
.lscp-card td.num strong { white-space: nowrap; }
.lscp-card th[scope=row] { min-width: 12rem; max-width: 20rem; }
.lscp-scroll { overflow-x: auto; }
.lscp-card a { color: #1d70b8; text-decoration: underline; }
.lscp-card a:focus { outline: 3px solid #ffdd00; background: #ffdd00; color: #0b0c0c; }
.lscp-muted { color: #505a5f; }
.lscp-badge { display: inline-block; padding: 0.1rem 0.4rem; font-weight: bold;
  border-radius: 2px; white-space: nowrap; }
.lscp-rag-green { background: #00703c; color: #ffffff; }
.lscp-manual { background: #4c2c92; color: #ffffff; }
.lscp-rag-amber { background: #ffdd00; color: #0b0c0c; }
.lscp-rag-red { background: #d4351c; color: #ffffff; }
.lscp-better { color: #00703c; font-weight: bold; }
.lscp-worse { color: #d4351c; font-weight: bold; }
.lscp-same, .lscp-context, .lscp-common { color: #505a5f; font-weight: bold; }
.lscp-improvement { color: #1d70b8; font-weight: bold; }
.lscp-concern { color: #b1450c; font-weight: bold; }
.lscp-neutral { color: #4c2c92; font-weight: bold; }
"""

PRINT_CSS = """
body { margin: 2rem; max-width: 1100px; }
h1, h2, h3 { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; }
.lscp-indicator { margin-top: 2rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dt { font-weight: bold; }
@media print {
  body { margin: 0; }
  .lscp-indicator { page-break-before: always; break-before: page; }
  tr, svg { page-break-inside: avoid; break-inside: avoid; }
  a { color: #0b0c0c; text-decoration: none; }
}
"""


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
            f'<td class="num"><strong>{escape(r["value_text"])}</strong><br>'
            f'<span class="lscp-muted">{escape(r["based_on"])}</span></td>'
            f'<td class="num">{escape(r["last_year_text"])}'
            + (f'<br><span class="lscp-muted">{escape(r.get("compared_with") or "")}</span>'
               if r.get("compared_with") else "") + '</td>'
            f'<td><span class="{DIRECTION_STYLE.get(word, "")}">'
            f'{escape((r["arrow"] + " " + word).strip())}</span></td>'
            f'<td>{escape(r["target_text"])}<br>{rag_cell}</td>'
            f'<td>{escape(r["benchmark_text"])}</td>'
            f'<td>{svg.variation_icon(r["variation"], r["variation_text"])}'
            f'{svg.assurance_icon(r.get("assurance"), r.get("assurance_text") or "")}<br>'
            f'<span class="{VARIATION_STYLE.get(kind, "")}">'
            f'{escape(r["variation_text"])}</span><br>'
            f'<span class="lscp-muted">{escape(r.get("assurance_text") or "")}</span></td>'
            f'<td>{svg.as_img(svg.sparkline(r["spark"], spark_label), spark_label)}</td>'
            "</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return (f'<div class="lscp-card lscp-scroll"><style>{CSS}</style><table>{cap}'
            f'<thead>{head}</thead><tbody>{"".join(body)}</tbody></table></div>')


def _series(role: str, row: pd.Series) -> pd.DataFrame:
    """The headline series (rolling or snapshot figures, or terms) up to the pack's period."""
    vals = data.values(role, indicator_ids=[row["indicator_id"]], localities=["All"],
                       agencies=["All"])
    return vals[vals["period_end"] <= row["period_end"]].sort_values("period_end")


def _chart_series(role: str, row: pd.Series, headline: pd.DataFrame) -> pd.DataFrame:
    """What the chart draws: for a monthly indicator the SPC series its limits were worked
    out on (each month's own figure), up to the pack's period; termly: the headline."""
    chart = headline
    if row["frequency"] == "monthly":
        spc = data.spc(role, row["indicator_id"])
        if not spc.empty:
            chart = spc[spc["period_end"] <= row["period_end"]][
                ["period_end", "value", "mean", "lpl", "upl", "point_type"]]
    chart = chart.copy()
    if row["target"] is not None and not pd.isna(row["target"]):
        chart["target"] = float(row["target"])
    return chart.sort_values("period_end")


def _table(series: pd.DataFrame, unit: str, row: pd.Series, title: str) -> str:
    recent = series.tail(13).iloc[::-1]
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


def build(role: str, strategy: str | None, period: pd.Timestamp) -> str:
    """The whole pack as one HTML document."""
    card = scorecard.build(role, strategy, period)
    info = data.meta()
    scope = strategy or "all strategies"
    title = f"Neglect strategy board pack: {scope}, {fmt.month(period)}"
    sections = []
    for _, row in card.iterrows():
        if row["period_end"] is None or pd.isna(row["period_end"]):
            # said, not left out: a board member must see that a measure has no figures
            sections.append(
                f"<section class='lscp-indicator'><h2>{escape(row['title'])}</h2>"
                "<p><strong>No figures yet.</strong> The extract this measure is counted from "
                "has no loaded rows for this period (see the data quality page).</p>"
                f"<dl><dt>Definition</dt><dd>{escape(str(row['definition'] or ''))}</dd></dl>"
                "</section>")
            continue
        series = _series(role, row)
        unit = row["unit"]
        what = scorecard.SERIES_WORDS.get(row.get("spc_series"), "each term's figure")
        chart = svg.line_chart(
            _chart_series(role, row, series), f"{row['title']}, partnership: {what}",
            lambda v, u=unit: fmt.plain(v, u))
        sections.append(
            f"<section class='lscp-indicator'><h2>{escape(row['title'])}"
            f"{manual_badge(row)}</h2>"
            f"<p><strong>{escape(row['value_text'])}</strong> in {escape(row['period_text'])}"
            f" ({escape(scorecard.POLARITY_WORDS.get(row['polarity'], ''))}); "
            f"{escape(row['variation_text'])}; {escape(row['assurance_text'])}.</p>{chart}"
            f"<p class='lscp-muted'>The chart shows {escape(what)}; its limits are worked out "
            "on the same months. Line: value. Solid black line: mean. Dashed grey lines: "
            "process limits. Red dashed line: target. Blue circles: special cause improvement; "
            "orange squares: special cause concern. Gaps: suppressed (c) or not available.</p>"
            f"{_table(series, unit, row, row['title'])}"
            f"<dl><dt>Definition</dt><dd>{escape(str(row['definition'] or ''))}</dd>"
            f"<dt>Benchmark</dt><dd>{escape(row['benchmark_text'])}"
            f"{(' — ' + escape(row['benchmark_source'])) if row['benchmark_source'] else ''}</dd>"
            f"<dt>Target</dt><dd>{escape(row['target_text'])}</dd></dl></section>")
    made = datetime.now(UTC).strftime("%d %B %Y %H:%M UTC")
    late = freshness.out_of_date()
    late_note = ("<p><strong>Not all figures are current:</strong> "
                 + escape("; ".join(f.sentence() for f in late)) + ".</p>") if late else ""
    role_note = ("Figures based on 1 to 5 children or records are shown as c (confidential)."
                 if not data.unsuppressed(role) else
                 "UNSUPPRESSED figures for analysts: do not share outside the partnership.")
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{CSS}{PRINT_CSS}</style></head>
<body class="lscp-card">
<h1>{escape(title)}</h1>
<p>Data as at {escape(fmt.day(info.get('as_at')))}; refreshed {escape(info.get('built_at', 'x'))};
pack made {made}. The latest months may be revised when later records arrive.
{escape(role_note)} Symbols: c confidential, x not available, z not applicable.</p>
{late_note}
{scorecard_html(card, link=False, caption="Scorecard: partnership figures")}
{''.join(sections)}
</body></html>"""
