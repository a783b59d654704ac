"""The pages' charts, drawn on the server as SVG: DataFrame in, HTML out (no Streamlit, no
JavaScript; tested on their own). The browser fetches no chart code: Plotly's 4.7 MB of it
took most of a chart page's first load in a new tab.

Each builder returns one ``<figure class="lscp-chart">``: the title as text above an
``<svg role="img">`` whose ``aria-label`` and ``<title>`` say what it shows; each series a
``<g class="lscp-series" data-name=...>``; each point's value as a ``<title>`` tooltip; a
legend in words. Every chart also has its table on the page (``ui.chart_with_table``).

Hidden (suppressed) and missing values are gaps in a line and no bar, never a zero.
Special-cause points differ by marker shape as well as colour. The XmR chart is the board
pack's (``svg.xmr_chart``), drawn from the one spec (``chartspec.xmr_spec``).
"""

from __future__ import annotations

import math
from html import escape

import pandas as pd

from dashboard import chartspec, svg
from dashboard import formatting as fmt

PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#b1450c", "#505a5f", "#28a197",
           "#912b88"]
# lines that must be told apart (localities over time): Okabe and Ito's colour-blind-safe
# colours, and each line its own dash and marker too, so that every line differs in
# greyscale as well
LINE_COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#6f4e37",
                "#999933"]
DASHES = ["", "6 3", "2 3", "6 3 2 3", "10 4", "10 4 2 4", "5 2 1 2", "1 3"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "triangle-down",
           "hexagon", "pentagon", "triangle-right"]
INK, GREY, RED = "#0b0c0c", "#505a5f", "#d4351c"
MARKER = svg.MARKER  # launch and rebase lines, on the pages and in the pack
SIGNALS = {  # point_type prefix -> (legend name, colour, marker)
    "special_cause_improvement": ("Special cause: improvement", svg.IMPROVEMENT, "circle"),
    "special_cause_concern": ("Special cause: concern", svg.CONCERN, "square"),
    "special_cause_neutral": ("Special cause: neither better nor worse", svg.NEUTRAL,
                              "diamond"),
}
FONT = chartspec.FONT_PX
FAMILY = "Arial, Helvetica, sans-serif"
AXIS_LINE, GRID = "#b1b4b6", "#e5e6e7"
WIDTH = 720  # a chart's own width (px): drawn at most 1.3x that, scrolled sideways below 0.7x
PLOT_HEIGHT = 240


# --- the pieces every chart is made of ----------------------------------------------------

def _text(x: float, y: float, text: str, anchor: str = "start", size: float = FONT,
          colour: str = INK, bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'font-family="{FAMILY}" fill="{colour}"{weight}>{escape(str(text))}</text>')


def _svg(body: str, width: float, height: float, label: str, kind: str,
         narrowest: float = 0.7) -> str:
    """The chart's SVG: scales with the page between ``narrowest`` and 1.3 times its own
    width (scrolled sideways below that, so its labels stay readable on a phone)."""
    return (f'<div class="lscp-chart-scroll" style="overflow-x:auto;max-width:100%" '
            f'tabindex="0" role="region" aria-label="{escape(label[:80])}">'
            f'<svg role="img" aria-label="{escape(label)}" data-kind="{kind}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" '
            f'xmlns="http://www.w3.org/2000/svg" style="display:block;'
            f'min-width:{width * narrowest:.0f}px;max-width:{width * 1.3:.0f}px">'
            f'<title>{escape(label)}</title>{body}</svg></div>')


def _figure(title: str, body: str, kind: str) -> str:
    return (f'<figure class="lscp-chart" data-kind="{kind}" data-title="{escape(title)}" '
            f'style="margin:0 0 0.5rem 0">'
            f'<p class="lscp-chart-title" style="font-weight:700;font-size:1.05rem;'
            f'margin:0 0 0.25rem 0;color:{INK}">{escape(title)}</p>{body}</figure>')


def _shape(kind: str, x: float, y: float, r: float, fill: str, stroke: str = INK,
           tip: str | None = None, open_: bool = False) -> str:
    """A marker of shape ``kind`` at (x, y), with ``tip`` as its tooltip."""
    paint = (f'fill="{"#ffffff" if open_ else fill}" stroke="{fill if open_ else stroke}" '
             f'stroke-width="{1.6 if open_ else 0.8}"')
    title = f"<title>{escape(tip)}</title>" if tip else ""
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {paint}>{title}</circle>'
    if kind == "square":
        s = r * 0.9
        return (f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" '
                f'height="{2 * s:.1f}" {paint}>{title}</rect>')
    d = {
        "diamond": f"M{x:.1f},{y - r * 1.2:.1f}L{x + r * 1.2:.1f},{y:.1f}L{x:.1f},"
                   f"{y + r * 1.2:.1f}L{x - r * 1.2:.1f},{y:.1f}Z",
        "triangle-up": f"M{x:.1f},{y - r * 1.2:.1f}L{x + r * 1.1:.1f},{y + r * 0.8:.1f}"
                       f"L{x - r * 1.1:.1f},{y + r * 0.8:.1f}Z",
        "triangle-down": f"M{x:.1f},{y + r * 1.2:.1f}L{x + r * 1.1:.1f},{y - r * 0.8:.1f}"
                         f"L{x - r * 1.1:.1f},{y - r * 0.8:.1f}Z",
        "x": f"M{x - r:.1f},{y - r:.1f}L{x + r:.1f},{y + r:.1f}M{x - r:.1f},{y + r:.1f}"
             f"L{x + r:.1f},{y - r:.1f}",
        "cross": f"M{x - r:.1f},{y:.1f}L{x + r:.1f},{y:.1f}M{x:.1f},{y - r:.1f}"
                 f"L{x:.1f},{y + r:.1f}",
        "hexagon": "M" + "L".join(f"{x + r * math.cos(a * math.pi / 3):.1f},"
                                  f"{y + r * math.sin(a * math.pi / 3):.1f}"
                                  for a in range(6)) + "Z",
        "pentagon": "M" + "L".join(f"{x + r * math.sin(a * 2 * math.pi / 5):.1f},"
                                   f"{y - r * math.cos(a * 2 * math.pi / 5):.1f}"
                                   for a in range(5)) + "Z",
        "triangle-right": f"M{x + r * 1.2:.1f},{y:.1f}L{x - r * 0.8:.1f},{y - r * 1.1:.1f}"
                          f"L{x - r * 0.8:.1f},{y + r * 1.1:.1f}Z",
    }.get(kind)
    if d is None:
        return _shape("circle", x, y, r, fill, stroke, tip, open_)
    if kind in ("x", "cross"):
        return (f'<path d="{d}" stroke="{fill}" stroke-width="2.2" fill="none">'
                f'{title}</path>')
    return f'<path d="{d}" {paint}>{title}</path>'


def _legend(items: list[tuple], left: float, width: float, top: float) -> tuple[list[str], float]:
    """Legend items (kind, colour, dash or shape, words), flowed into rows that fit."""
    parts, line_h = [], FONT + 7
    at, rows = chartspec.flow([24 + chartspec.text_width(words) for *_, words in items],
                              left, width, top, line_h, FONT)
    for (kind, colour, style, words), (x, cy) in zip(items, at, strict=True):
        if kind == "line":
            parts.append(f'<line x1="{x:.1f}" x2="{x + 18:.1f}" y1="{cy:.1f}" y2="{cy:.1f}" '
                         f'stroke="{colour}" stroke-width="2.4" stroke-dasharray="{style}"/>')
        elif kind == "swatch":
            parts.append(f'<rect x="{x + 2:.1f}" y="{cy - 6:.1f}" width="14" height="12" '
                         f'fill="{colour}" stroke="{INK}" stroke-width="0.8"/>')
        else:
            parts.append(_shape(style, x + 9, cy, 4.5, colour,
                                open_=str(kind).endswith("open")))
        parts.append(_text(x + 24, cy + FONT * 0.35, words))
    return ['<g class="lscp-legend">', *parts, "</g>"], rows * line_h if items else 0


class _Axes:
    """A plot area: y from ``ticks``, x either months (``months``) or numbers (``xs``)."""

    def __init__(self, y_ticks: list[float], unit: str, axis_title: str,
                 months: list | None = None, x_ticks: list[float] | None = None,
                 x_title: str = "", width: float = WIDTH, top: float = 8,
                 plot_height: float = PLOT_HEIGHT, x_tick_text: list[str] | None = None):
        self.unit, self.width, self.top = unit, width, top
        decimals = chartspec.tick_decimals(y_ticks)
        self.y_ticks = y_ticks
        self.y_text = [chartspec.tick_text(t, unit, decimals) for t in y_ticks]
        widest = max(chartspec.text_width(t) for t in self.y_text)
        self.left = round(6 + FONT + 8 + widest + 8)
        self.right = 24
        self.plot_w = width - self.left - self.right
        self.plot_h = plot_height
        self.bottom = top + plot_height
        self.lo, self.hi = y_ticks[0], y_ticks[-1]
        self.months = months
        self.axis_title, self.x_title = axis_title, x_title
        if months is not None:
            self.x_lo, self.x_hi = 0, max(len(months) - 1, 1)
            at = chartspec.month_ticks(months, self.plot_w)
            self.x_ticks = [float(i) for i in at]
            self.x_text = [chartspec.month_label(months[i]) for i in at]
        else:
            self.x_ticks = x_ticks or [0.0, 1.0]
            self.x_lo, self.x_hi = self.x_ticks[0], self.x_ticks[-1]
            self.x_text = x_tick_text or [f"{t:,.0f}" for t in self.x_ticks]

    def x(self, v: float) -> float:
        if self.months is not None and len(self.months) == 1:
            return self.left + self.plot_w / 2
        return self.left + (float(v) - self.x_lo) / ((self.x_hi - self.x_lo) or 1) * self.plot_w

    def y(self, v: float) -> float:
        return self.bottom - (float(v) - self.lo) / ((self.hi - self.lo) or 1) * self.plot_h

    def clip_id(self) -> str:
        return f"lscp-web-{next(svg._CLIPS)}"

    def draw(self, clip: str) -> list[str]:
        parts = [f'<clipPath id="{clip}"><rect x="{self.left}" y="{self.top - 4}" '
                 f'width="{self.plot_w}" height="{self.plot_h + 8}"/></clipPath>',
                 f'<rect x="{self.left}" y="{self.top}" width="{self.plot_w}" '
                 f'height="{self.plot_h}" fill="#ffffff" stroke="{AXIS_LINE}"/>']
        for v, t in zip(self.y_ticks, self.y_text, strict=True):
            parts.append(f'<line x1="{self.left}" x2="{self.left + self.plot_w}" '
                         f'y1="{self.y(v):.1f}" y2="{self.y(v):.1f}" stroke="{GRID}"/>')
            parts.append(_text(self.left - 6, self.y(v) + FONT * 0.35, t, "end"))
        mid = (self.top + self.bottom) / 2
        ax = 6 + FONT * 0.8
        parts.append(f'<text x="{ax:.1f}" y="{mid:.1f}" text-anchor="middle" '
                     f'font-size="{FONT}" fill="{INK}" font-family="{FAMILY}" '
                     f'transform="rotate(-90 {ax:.1f} {mid:.1f})">'
                     f'{escape(self.axis_title)}</text>')
        for v, t in zip(self.x_ticks, self.x_text, strict=True):
            parts.append(f'<line x1="{self.x(v):.1f}" x2="{self.x(v):.1f}" y1="{self.bottom}" '
                         f'y2="{self.bottom + 4}" stroke="{AXIS_LINE}"/>')
            anchor = "middle"
            if self.x(v) + chartspec.text_width(t) / 2 > self.width - 2:
                anchor = "end"
            parts.append(_text(self.x(v) + (4 if anchor == "end" else 0),
                               self.bottom + 6 + FONT, t, anchor))
        if self.x_title:
            parts.append(_text(self.left + self.plot_w / 2, self.bottom + 2 * FONT + 12,
                               self.x_title, "middle"))
        return parts

    @property
    def foot(self) -> float:
        """Below the x axis' labels (and its title)."""
        return self.bottom + 6 + FONT + 10 + (FONT + 8 if self.x_title else 0)


def _numbers(values) -> list[float | None]:
    out = []
    for v in values:
        try:
            f = float(v)
        except (TypeError, ValueError):
            f = math.nan
        out.append(None if math.isnan(f) else f)
    return out


def _y(frame: pd.DataFrame) -> list[float | None]:
    """Values with hidden cells blanked (they already are; this is belt and braces)."""
    y = _numbers(pd.to_numeric(frame["value"], errors="coerce"))
    if "hidden" in frame.columns:
        hidden = frame["hidden"].fillna(False).astype(bool).tolist()
        y = [None if h else v for v, h in zip(y, hidden, strict=True)]
    return y


def _y_ticks(values: list[float], unit: str) -> list[float]:
    present = [v for v in values if v is not None]
    lo, hi = (min(present), max(present)) if present else (0.0, 1.0)
    if unit in chartspec.NOT_NEGATIVE:
        lo = max(0.0, min(lo, lo - (hi - lo) * 0.05))
    return chartspec.nice_ticks(lo, hi)


def _polyline(points: list[tuple[float, float | None]], colour: str, width: float,
              dash: str, clip: str) -> str:
    return "".join(
        f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in run)}" fill="none" '
        f'stroke="{colour}" stroke-width="{width}" stroke-dasharray="{dash}" '
        f'stroke-linejoin="round" clip-path="url(#{clip})"/>'
        for run in svg._segments(points))


# --- the charts -------------------------------------------------------------------------

def xmr(spc: pd.DataFrame, title: str, unit: str, target: float | None = None,
        benchmarks: pd.DataFrame | None = None) -> str:
    """XmR chart: values, mean, process limits, special-cause points, target, benchmarks and
    the launch and rebase markers: the board pack's drawing of the one spec
    (``chartspec.xmr_spec``: the same ticks, unit and month labels), each point's value a
    tooltip."""
    return xmr_figure(chartspec.xmr_spec(spc, title, unit, target, benchmarks))


def xmr_figure(spec: chartspec.XmrSpec) -> str:
    """The page's rendering of an XmR chart spec."""
    signals = sum(1 for _ in spec.signals)
    points = "quarters" if spec.step == "quarter" else "months"
    label = (f"{spec.title}: XmR chart of {len(spec.x)} {points}"
             + (f", {signals} special-cause point{'s' if signals != 1 else ''}"
                if signals else ", no special-cause point")
             + ". The figures are in the table below.")
    body = svg.xmr_chart(spec, label, tips=True)
    if body.startswith("<svg"):
        body = ('<div class="lscp-chart-scroll" style="overflow-x:auto;max-width:100%" '
                f'tabindex="0" role="region" aria-label="{escape(spec.title[:80])}">'
                + body.replace('<svg role="img"', '<svg data-kind="xmr" role="img"', 1)
                .replace('style="max-width:', 'style="display:block;min-width:460px;'
                         'max-width:', 1) + "</div>")
    return _figure(spec.title, body, "xmr")


def lines(frame: pd.DataFrame, by: str, title: str, unit: str,
          highlight: str | None = "All", highlight_name: str = "Partnership (All)") -> str:
    """One line per ``by`` group (locality or agency) over time; ``highlight`` drawn thick
    and last (on top)."""
    groups = list(dict.fromkeys(frame[by]))
    if highlight in groups:
        groups = [g for g in groups if g != highlight] + [highlight]
    series = []
    for i, group in enumerate(groups):
        main = group == highlight
        series.append({
            "name": highlight_name if main else str(group), "group": group,
            "colour": INK if main else LINE_COLOURS[i % len(LINE_COLOURS)],
            "width": 3.5 if main else 1.8, "dash": "" if main else DASHES[i % len(DASHES)],
            "shape": "circle" if main else SYMBOLS[i % len(SYMBOLS)],
            "size": 2.4 if main else 3.6})
    body = _line_plot(frame, by, series, unit, title, WIDTH, PLOT_HEIGHT)
    return _figure(title, body, "lines")


def _line_plot(frame: pd.DataFrame, by: str, series: list[dict], unit: str, label: str,
               width: float, plot_height: float, legend: bool = True,
               narrowest: float = 0.7) -> str:
    months = sorted(pd.to_datetime(frame["period_end"]).dropna().unique()) if len(frame) \
        else []
    months = [pd.Timestamp(m) for m in months]
    if not months:
        return f'<p class="lscp-muted">{escape(label)}: no values to chart.</p>'
    at = {m: i for i, m in enumerate(months)}
    ys = {}
    parts_of = dict(list(frame.groupby(by, sort=False)))
    for s in series:
        part = parts_of[s["group"]].sort_values("period_end")
        ys[s["name"]] = list(zip([at[pd.Timestamp(t)] for t in part["period_end"]], _y(part),
                                 strict=True))
    values = [v for pts in ys.values() for _, v in pts]
    axes = _Axes(_y_ticks(values, unit), unit, fmt.unit_label(unit).capitalize(),
                 months=months, width=width, plot_height=plot_height)
    clip = axes.clip_id()
    parts = axes.draw(clip)
    for s in series:
        pts = [(axes.x(i), None if v is None else axes.y(v)) for i, v in ys[s["name"]]]
        dots = "".join(
            _shape(s["shape"], px, py, s["size"], s["colour"],
                   tip=f"{s['name']}, {chartspec.month_label(months[i])}: "
                       f"{fmt.number(v, unit)}")
            for (px, py), (i, v) in zip(pts, ys[s["name"]], strict=True) if py is not None)
        parts.append(f'<g class="lscp-series" data-name="{escape(s["name"])}" '
                     f'data-marker="{s["shape"]}">'
                     + _polyline(pts, s["colour"], s["width"], s["dash"], clip) + dots + "</g>")
    height = axes.foot
    if legend and len(series) > 1:
        items = [("line+" + s["shape"], s["colour"], s["dash"], s["name"]) for s in series]
        drawn, h = _legend_lines(items, axes.left, width, height)
        parts += drawn
        height += h
    return _svg("".join(parts), width, height + 4, label, "lines", narrowest)


def _legend_lines(items, left, width, top):
    """Legend of lines, each with its dash and marker."""
    parts, line_h = [], FONT + 7
    at, rows = chartspec.flow([30 + chartspec.text_width(words) for *_, words in items],
                              left, width, top, line_h, FONT)
    for (kind, colour, dash, words), (x, cy) in zip(items, at, strict=True):
        parts.append(f'<line x1="{x:.1f}" x2="{x + 24:.1f}" y1="{cy:.1f}" y2="{cy:.1f}" '
                     f'stroke="{colour}" stroke-width="2.4" stroke-dasharray="{dash}"/>')
        parts.append(_shape(kind.split("+", 1)[1], x + 12, cy, 3.6, colour))
        parts.append(_text(x + 30, cy + FONT * 0.35, words))
    return ['<g class="lscp-legend">', *parts, "</g>"], rows * line_h


def bars(frame: pd.DataFrame, label: str, title: str, unit: str) -> str:
    """Horizontal bars, one per ``label`` row; hidden cells are labelled c, not drawn."""
    frame = frame.reset_index(drop=True)
    y = _y(frame)
    hidden = (frame["hidden"].fillna(False).astype(bool).tolist() if "hidden" in frame
              else [False] * len(frame))
    texts = [fmt.number(v, unit, bool(h)) for v, h in zip(y, hidden, strict=True)]
    names = [str(n) for n in frame[label]]
    present = [v for v in y if v is not None]
    ticks = chartspec.nice_ticks(min([0.0, *present]), max([0.0, *present]) or 1.0, 5)
    name_w = max([chartspec.text_width(n) for n in names] or [40])
    name_w = min(name_w, 260)
    value_w = max([chartspec.text_width(t) for t in texts] or [20]) + 8
    left = round(name_w + 14)
    plot_w = WIDTH - left - value_w - 10
    row_h, top = 26, 6
    lo, hi = ticks[0], ticks[-1]

    def x(v: float) -> float:
        return left + (v - lo) / ((hi - lo) or 1) * plot_w

    parts = []
    bottom = top + row_h * len(frame)
    for t in ticks:
        parts.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top}" y2="{bottom}" '
                     f'stroke="{GRID}"/>')
        parts.append(_text(x(t), bottom + 6 + FONT,
                           chartspec.tick_text(t, unit, chartspec.tick_decimals(ticks)),
                           "middle"))
    parts.append(f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{top}" y2="{bottom}" '
                 f'stroke="{AXIS_LINE}"/>')
    for i, (name, v, t) in enumerate(zip(names, y, texts, strict=True)):
        cy = top + i * row_h + row_h / 2
        shown = name if chartspec.text_width(name) <= 260 else name[:40] + "…"
        parts.append(_text(left - 8, cy + FONT * 0.35, shown, "end"))
        bar = ""
        if v is not None:
            x0, x1 = sorted((x(0), x(v)))
            bar = (f'<rect x="{x0:.1f}" y="{cy - 8:.1f}" width="{max(x1 - x0, 0.5):.1f}" '
                   f'height="16" fill="{PALETTE[0]}"><title>{escape(name)}: {escape(t)}'
                   f'</title></rect>')
        end = x(v) if v is not None and v > 0 else x(0)
        parts.append(f'<g class="lscp-series" data-name="{escape(name)}">{bar}'
                     f'{_text(end + 5, cy + FONT * 0.35, t)}</g>')
    foot = bottom + 6 + FONT + 6
    parts.append(_text(left + plot_w / 2, foot + FONT, fmt.unit_label(unit), "middle"))
    label_text = f"{title}: bar chart of {len(frame)} groups. The figures are in the table below."
    return _figure(title, _svg("".join(parts), WIDTH, foot + FONT + 8, label_text, "bars"),
                   "bars")


# the localities page's five categories, in one word each everywhere (cells, legend, table,
# funnel): (word, colour, funnel marker). Black text reads on every colour (contrast >= 4.5).
CATEGORIES = [("worse", "#d4351c", "square"), ("possibly worse", "#f4b5ab", "triangle-up"),
              ("as expected", "#e3e3e1", "circle"), ("possibly better", "#a8d5bf", "triangle-down"),
              ("better", "#3fa66b", "diamond")]
# a context measure (no better or worse) is only higher or lower: drawn as "as expected" is,
# in shape only apart
CONTEXT = {"higher": "triangle-up-open", "possibly higher": "triangle-up-open",
           "lower": "triangle-down-open", "possibly lower": "triangle-down-open"}
CATEGORY_WORDS = [w for w, _, _ in CATEGORIES]


def _wrap(text: str, width_px: float, size: float = FONT) -> list[str]:
    """``text`` in lines of at most ``width_px`` (a word longer than that on its own)."""
    lines, line = [], ""
    for word in str(text).split():
        trial = f"{line} {word}".strip()
        if line and chartspec.text_width(trial, size) > width_px:
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line] if line else lines or [""]


def heatmap(categories: pd.DataFrame, text: pd.DataFrame, title: str,
            against: str = "the partnership") -> str:
    """Indicators × localities, each cell coloured by its category (one of ``CATEGORIES``;
    blank: not compared) with its figure written in it, and a legend of the five
    categories. Place names across the top (wrapped, never slanted), indicators down the
    side (wrapped)."""
    colours = {w: c for w, c, _ in CATEGORIES}
    places = [str(c) for c in categories.columns]
    rows = [str(r) for r in categories.index]
    cell_text = text.reindex(index=categories.index, columns=categories.columns).fillna("")
    widest_cell = max([chartspec.text_width(str(t)) for t in cell_text.to_numpy().ravel()]
                      + [40])
    col_w = max(64.0, widest_cell + 10)
    head = [_wrap(p, col_w - 6) for p in places]
    col_w = max(col_w, max(chartspec.text_width(w) for h in head for w in h) + 8)
    label_w = 230.0
    row_labels = [_wrap(r, label_w - 10) for r in rows]
    line_h = FONT + 3
    head_h = max(len(h) for h in head) * line_h + 8 if head else 0
    width = label_w + col_w * len(places) + 8
    parts, y = [], 4 + head_h
    for j, lines_ in enumerate(head):
        cx = label_w + j * col_w + col_w / 2
        for k, ln in enumerate(lines_):
            parts.append(_text(cx, 4 + (k + 1) * line_h - 3
                               + (head_h - 8 - len(lines_) * line_h), ln, "middle"))
    for i, (row, labels) in enumerate(zip(rows, row_labels, strict=True)):
        h = max(28.0, len(labels) * line_h + 8)
        for k, ln in enumerate(labels):
            parts.append(_text(label_w - 8, y + (h - len(labels) * line_h) / 2
                               + (k + 1) * line_h - 3, ln, "end"))
        cells = []
        for j, place in enumerate(places):
            word = categories.iloc[i, j]
            fill = colours.get(word, "#ffffff") if isinstance(word, str) else "#ffffff"
            t = str(cell_text.iloc[i, j])
            tip = f"{row}, {place}: {t}" + (f" ({word})" if isinstance(word, str) and word
                                            and word not in t else "")
            x0 = label_w + j * col_w
            cells.append(f'<rect x="{x0 + 1:.1f}" y="{y + 1:.1f}" width="{col_w - 2:.1f}" '
                         f'height="{h - 2:.1f}" fill="{fill}" stroke="{GRID}">'
                         f'<title>{escape(tip)}</title></rect>')
            if t:
                cells.append(_text(x0 + col_w / 2, y + h / 2 + FONT * 0.35, t, "middle"))
        parts.append(f'<g class="lscp-series" data-name="{escape(row)}">{"".join(cells)}</g>')
        y += h
    items = [("swatch", c, "", w) for w, c, _ in CATEGORIES]
    words = _text(4, y + 12 + FONT, f"Against {against}:")
    legend, lh = _legend(items, 4 + chartspec.text_width(f"Against {against}:") + 10,
                         width, y + 12)
    parts += [words, *legend]
    label = (f"{title}: {len(rows)} indicators by {len(places)} places, each cell coloured "
             "by how the place compares. The figures are in the table below.")
    return _figure(title, _svg("".join(parts), width, y + 12 + lh + 6, label, "heatmap",
                               narrowest=min(1.0, 700 / max(width, 1))), "heatmap")


def small_multiples(frame: pd.DataFrame, panel: str, by: str, units: dict[str, str],
                    title: str, highlight: str = "All", columns: int = 2,
                    highlight_name: str = "Partnership (All)") -> str:
    """One small line chart per ``panel`` value, a line per ``by`` group, one legend above
    them; the panels flow two or more to a row on a wide screen, one on a phone."""
    panels = list(dict.fromkeys(frame[panel]))
    groups = list(dict.fromkeys(frame[by]))
    series = []
    for i, g in enumerate(groups):
        main = g == highlight
        series.append({"name": highlight_name if main else str(g), "group": g,
                       "colour": INK if main else PALETTE[i % len(PALETTE)],
                       "width": 2.6 if main else 2, "dash": "" if main else "6 3",
                       "shape": "circle", "size": 1.8})
    legend = "".join(
        f'<span style="display:inline-flex;align-items:center;margin-right:1rem">'
        f'<svg width="26" height="10" aria-hidden="true"><line x1="1" x2="25" y1="5" y2="5" '
        f'stroke="{s["colour"]}" stroke-width="2.4" stroke-dasharray="{s["dash"]}"/></svg>'
        f'&nbsp;{escape(s["name"])}</span>' for s in series)
    cards = []
    for p in panels:
        part = frame[frame[panel] == p]
        present = [s for s in series if s["group"] in set(part[by])]
        name = f"{p} ({fmt.unit_label(units.get(p, 'count'))})"
        body = _line_plot(part, by, present, units.get(p, "count"), name, 440, 150,
                          legend=False, narrowest=0.65)
        cards.append(f'<div><p style="margin:0.25rem 0;font-weight:700">{escape(name)}</p>'
                     f'{body}</div>')
    grid = (f'<p class="lscp-chart-legend" style="margin:0 0 0.25rem 0">{legend}</p>'
            '<div style="display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));'
            f'gap:0.5rem 1.5rem">{"".join(cards)}</div>')
    return _figure(title, grid, "small_multiples")


def funnel(points: pd.DataFrame, curves: pd.DataFrame, target: float, title: str,
           unit: str, base_name: str = "Partnership") -> str:
    """Funnel plot: each place's value against its denominator, the partnership's value and
    the 95% / 99.8% limits (``curves``: denominator, lower_95, upper_95, lower_99.8,
    upper_99.8). Each point is named beside it where the name has room, and in its tooltip."""
    verdict = (points["verdict"].fillna("as expected") if "verdict" in points
               else pd.Series("as expected", points.index))
    ys = _y(points)
    xs = _numbers(points["denominator"])
    # the funnel's mouth runs far off the chart: the axis covers the points, the target and
    # the limits from the smallest place's size on
    smallest = min([x for x in xs if x] or [0.0])
    drawn = [v for v in ys if v is not None] + [float(target)]
    denoms = _numbers(curves["denominator"]) if len(curves) else []
    for col in ("lower_99.8", "upper_99.8", "lower_95", "upper_95"):
        if col in curves:
            drawn += [v for d, v in zip(denoms, _numbers(curves[col]), strict=True)
                      if d is not None and v is not None and d >= smallest]
    y_ticks = _y_ticks(drawn, unit)
    x_max = max([d for d in denoms if d is not None] + [x for x in xs if x is not None]
                + [1.0])
    x_ticks = chartspec.nice_ticks(0.0, x_max, 6)
    axes = _Axes(y_ticks, unit, fmt.unit_label(unit).capitalize(), x_ticks=x_ticks,
                 x_title="Denominator (size)", top=8, plot_height=280,
                 x_tick_text=[f"{t:,.0f}" for t in x_ticks])
    clip = axes.clip_id()
    parts = axes.draw(clip)
    for col, colour, dash in (("upper_99.8", INK, ""), ("lower_99.8", INK, ""),
                              ("upper_95", GREY, "6 3"), ("lower_95", GREY, "6 3")):
        if col in curves:
            pts = [(axes.x(d), None if v is None else axes.y(v))
                   for d, v in zip(denoms, _numbers(curves[col]), strict=True)
                   if d is not None]
            parts.append(_polyline(pts, colour, 1.3, dash, clip))
    if len(curves):
        parts.append(f'<line x1="{axes.left}" x2="{axes.left + axes.plot_w}" '
                     f'y1="{axes.y(target):.1f}" y2="{axes.y(target):.1f}" stroke="{INK}" '
                     f'stroke-width="1.6" stroke-dasharray="2 3" clip-path="url(#{clip})"/>')
    styles = {w: (colour, symbol) for w, colour, symbol in CATEGORIES} | {
        w: (GREY, symbol) for w, symbol in CONTEXT.items()}
    taken: list[tuple[float, float, float, float]] = []
    names = points["name"].astype(str).tolist() if "name" in points else [""] * len(points)
    marks, labels = [], []
    for word in [*CATEGORY_WORDS, *CONTEXT]:  # every point in its category, named by it
        hit = [i for i, v in enumerate(verdict) if v == word]
        if not hit:
            continue
        colour, symbol = styles[word]
        shape, open_ = symbol.replace("-open", ""), symbol.endswith("-open")
        dots = []
        for i in hit:
            if ys[i] is None or xs[i] is None:
                continue
            px, py = axes.x(xs[i]), axes.y(ys[i])
            tip = (f"{names[i]}: {fmt.number(ys[i], unit)} of {fmt.figure(xs[i])} ({word})")
            dots.append(_shape(shape, px, py, 5, colour, tip=tip, open_=open_))
            marks.append((px - 6, py - 6, px + 6, py + 6))
            labels.append((px, py, names[i]))
        parts.append(f'<g class="lscp-series" data-name="{escape(word)}">{"".join(dots)}</g>')
    taken = list(marks)
    for px, py, name in labels:  # a name where it overlaps nothing else, else only its tooltip
        w = chartspec.text_width(name)
        for bx, by in ((px - w / 2, py - 9 - FONT), (px - w / 2, py + 9), (px + 9, py - FONT / 2),
                       (px - 9 - w, py - FONT / 2)):
            box = (bx, by, bx + w, by + FONT)
            inside = (box[0] >= axes.left + 2 and box[2] <= axes.left + axes.plot_w - 2
                      and box[1] >= axes.top + 2 and box[3] <= axes.bottom - 2)
            if inside and all(box[2] + 2 <= a or c + 2 <= box[0] or box[3] + 2 <= b
                              or d + 2 <= box[1] for a, b, c, d in taken):
                taken.append(box)
                parts.append(_text(bx, by + FONT * 0.85, name))
                break
    items = [("line", INK, "", "99.8% limits"), ("line", GREY, "6 3", "95% limits"),
             ("line", INK, "2 3", f"{base_name} {fmt.number(target, unit)}")]
    present = set(verdict)
    items += [("point" + ("open" if s.endswith("-open") else ""), c, s.replace("-open", ""), w)
              for w, c, s in [*CATEGORIES, *[(w, GREY, s) for w, s in CONTEXT.items()]]
              if w in present]
    legend, lh = _legend(items, axes.left, axes.width, axes.foot)
    parts += legend
    label = (f"{title}: funnel plot of {sum(1 for v in ys if v is not None)} places, each "
             "place's figure against its size, with 95% and 99.8% limits. The figures are in "
             "the table below.")
    return _figure(title, _svg("".join(parts), axes.width, axes.foot + lh + 4, label,
                               "funnel"), "funnel")
