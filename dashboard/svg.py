"""Hand-made SVG charts for HTML output (board pack, scorecard): no JavaScript, no CDN.

A missing value (suppressed or not available) is a gap in the line, never a zero.
"""

from __future__ import annotations

import base64
import itertools
import math
from html import escape

import pandas as pd

from dashboard import chartspec
from dashboard import formatting as fmt

BLUE, GREY, RED, INK = "#1d70b8", "#505a5f", "#d4351c", "#0b0c0c"
# as on the pages' charts (dashboard/charts.py)
IMPROVEMENT, CONCERN, NEUTRAL = "#1d70b8", "#f47738", "#4c2c92"
BENCH, MARKER = "#28a197", "#6f72af"
_CLIPS = itertools.count(1)  # a clip path's id, unique in a pack of many charts


def _ok(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v)) and not pd.isna(v)


def _segments(points: list[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """Split at missing values so a gap stays a gap."""
    runs, run = [], []
    for x, y in points:
        if y is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append((x, y))
    if run:
        runs.append(run)
    return runs


def _path(run: list[tuple[float, float]]) -> str:
    """The run's points as drawn (one decimal), less each point in the middle of a level
    stretch (the same y as the points either side: a mean or a limit is level for months
    on end): the same line, a dash pattern running on through it, with fewer points to draw."""
    drawn = [(f"{x:.1f}", f"{y:.1f}") for x, y in run]
    kept = [p for i, p in enumerate(drawn)
            if i in (0, len(drawn) - 1) or not drawn[i - 1][1] == p[1] == drawn[i + 1][1]]
    return " ".join(f"{x},{y}" for x, y in kept)


def sparkline(values: list, label: str, width: int = 120, height: int = 28) -> str:
    """A small trend line; ``label`` is what a screen reader hears."""
    present = [float(v) for v in values if _ok(v)]
    if len(present) < 2:
        return f'<span class="lscp-muted">{escape(label)}</span>'
    lo, hi = min(present), max(present)
    span = (hi - lo) or 1.0
    pad = 3
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    pts = [(pad + i * step,
            (height - pad - (float(v) - lo) / span * (height - 2 * pad)) if _ok(v) else None)
           for i, v in enumerate(values)]
    lines = "".join(
        f'<polyline points="{_path(r)}" fill="none" stroke="{BLUE}" stroke-width="1.6"/>'
        for r in _segments(pts))
    last = next(((x, y) for x, y in reversed(pts) if y is not None), None)
    dot = f'<circle cx="{last[0]:.1f}" cy="{last[1]:.1f}" r="2.4" fill="{INK}"/>' if last else ""
    return (f'<svg role="img" aria-label="{escape(label)}" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
            f'<title>{escape(label)}</title>{lines}{dot}</svg>')


def xmr_chart(spec: chartspec.XmrSpec, label: str, plot_height: int = 200,
              tips: bool = False) -> str:
    """The XmR chart, for print and on the pages (``charts.xmr``), drawn from the one spec:
    value, mean and process limits (broken at a rebase), target, benchmarks, special-cause
    points (shape as well as colour), launch and rebase markers, the unit on the y axis, and
    a legend. Every label's box is kept apart from every other's. With ``tips`` (on a page)
    each point's month and value is its tooltip."""
    if not any(v is not None for v in spec.y):
        return f'<p class="lscp-muted">{escape(label)}: no values to chart.</p>'
    size = chartspec.FONT_PX
    widest_tick = max(chartspec.text_width(t, size) for t in spec.y_tick_text)
    left = round(6 + size + 8 + widest_tick + 8)  # axis title, gap, tick labels, gap
    last = chartspec.text_width(spec.x_tick_text[-1], size) if spec.x_ticks else 0
    right = round(max(16.0, last / 2 + 6))
    plot_w = chartspec.PLOT_WIDTH  # the width the spec laid its month labels out for
    width = left + plot_w + right
    marker_rows = _marker_rows(spec, left, plot_w, size)
    top = 8 + (len(marker_rows) * (size + 5) if marker_rows else 0)
    bottom = top + plot_height
    n = len(spec.x)
    lo, hi = spec.y_range

    def x(i: int) -> float:
        return left + (i * plot_w / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return bottom - (float(v) - lo) / ((hi - lo) or 1.0) * plot_height

    clip = f"lscp-plot-{next(_CLIPS)}"  # lines beyond the axis (a limit below 0) stop at it
    parts = [f'<clipPath id="{clip}"><rect x="{left}" y="{top}" width="{plot_w}" '
             f'height="{plot_height}"/></clipPath>',
             f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_height}" '
             'fill="#ffffff" stroke="#b1b4b6"/>']
    for v, text in zip(spec.y_ticks, spec.y_tick_text, strict=True):
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                     'stroke="#e5e6e7" stroke-width="0.8"/>')
        parts.append(_text(left - 6, y(v) + size * 0.35, text, size, "end"))
    middle = (top + bottom) / 2
    parts.append(f'<text x="{6 + size * 0.8:.1f}" y="{middle:.1f}" text-anchor="middle" '
                 f'font-size="{size}" fill="{INK}" font-family="Arial, Helvetica, sans-serif" '
                 f'transform="rotate(-90 {6 + size * 0.8:.1f} {middle:.1f})">'
                 f'{escape(spec.axis_title)}</text>')
    for i, text in zip(spec.x_ticks, spec.x_tick_text, strict=True):
        parts.append(f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{bottom}" y2="{bottom + 4}" '
                     'stroke="#b1b4b6"/>')
        parts.append(_text(x(i), bottom + 6 + size, text, size, "middle"))
    for row, placed in enumerate(marker_rows):
        for m, anchor, tx in placed:
            dash = "2 3" if m.kind == "launch" else "6 3 2 3"
            parts.append(f'<line x1="{x(m.at):.1f}" x2="{x(m.at):.1f}" y1="{top}" '
                         f'y2="{bottom}" stroke="{MARKER}" stroke-width="1.6" '
                         f'stroke-dasharray="{dash}"><title>{escape(m.label)}: '
                         f'{escape(m.reason)}</title></line>')
            parts.append(_text(tx, 8 + row * (size + 5) + size, m.label, size, anchor,
                               MARKER))
    groups = spec.groups or [0] * n
    for col, colour, dash in (("upl", INK, "5 3"), ("lpl", INK, "5 3"), ("mean", INK, "")):
        values = getattr(spec, col)
        for g in dict.fromkeys(groups):
            pts = [(x(i), y(v) if v is not None else None)
                   for i, v in enumerate(values) if groups[i] == g]
            for run in _segments(pts):
                parts.append(f'<polyline points="{_path(run)}" fill="none" stroke="{colour}" '
                             f'stroke-width="1.2" stroke-dasharray="{dash}" '
                             f'clip-path="url(#{clip})"/>')
    for value, colour, dash in ([(spec.target, RED, "8 4")] if spec.target is not None
                                else []) + [(v, BENCH, "10 3 2 3") for _, v in spec.benchmarks]:
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" '
                     f'y2="{y(value):.1f}" stroke="{colour}" stroke-width="1.4" '
                     f'stroke-dasharray="{dash}"/>')
    pts = [(x(i), y(v) if v is not None else None) for i, v in enumerate(spec.y)]
    for run in _segments(pts):
        parts.append(f'<polyline points="{_path(run)}" fill="none" stroke="{GREY}" '
                     'stroke-width="2"/>')
    special = {i: kind for i, kind, _ in spec.signals}
    # the common-cause points as one path of dots (one node, not one per month: the PDF
    # pack draws dozens of charts), then each special-cause point in its own shape
    dots = [(px, py) for i, (px, py) in enumerate(pts) if py is not None and i not in special]
    if dots:
        parts.append(_dots(dots))
    for i, (px, py) in enumerate(pts):
        if py is not None and i in special:
            parts.append(_point(px, py, special[i]))
    if tips:  # an invisible target over each point, its month and value as the tooltip
        parts.append("".join(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="6" fill="#ffffff" fill-opacity="0">'
            f'<title>{escape(spec.label(i))}: '
            f'{escape(fmt.number(spec.y[i], spec.unit))}</title></circle>'
            for i, (px, py) in enumerate(pts) if py is not None))
    legend, legend_h = _legend(spec, left, width, bottom + 6 + size + 10, size)
    parts += legend
    height = round(bottom + 6 + size + 10 + legend_h + 4)
    return (f'<svg role="img" aria-label="{escape(label)}" width="100%" '
            f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
            f'style="max-width:{width}px"><title>{escape(label)}</title>{"".join(parts)}</svg>')


def _text(x: float, y: float, text: str, size: float, anchor: str, colour: str = INK) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'font-family="Arial, Helvetica, sans-serif" fill="{colour}">{escape(text)}</text>')


def _dots(points: list[tuple[float, float]], r: float = 2.2) -> str:
    """Filled circles of radius ``r`` at ``points``, drawn as one path: a point each
    (a move and no length), stroked ``2r`` wide with round caps, which SVG and PDF both
    draw as a filled circle. (Two arcs a dot cost the PDF pack a curve conversion each.)"""
    d = "".join(f"M{x:.1f},{y:.1f}h0" for x, y in points)
    return (f'<path d="{d}" fill="none" stroke="{GREY}" stroke-width="{2 * r:.1f}" '
            'stroke-linecap="round"/>')


def _point(x: float, y: float, kind: str | None) -> str:
    if kind == "improvement":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{IMPROVEMENT}" stroke="{INK}" stroke-width="0.8"/>'
    if kind == "concern":
        return (f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{CONCERN}" '
                f'stroke="{INK}" stroke-width="0.8"/>')
    if kind == "neutral":
        return (f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y:.1f} L{x:.1f},{y + 5:.1f} '
                f'L{x - 5:.1f},{y:.1f} Z" fill="{NEUTRAL}" stroke="{INK}" stroke-width="0.8"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="{GREY}"/>'


def _marker_rows(spec: chartspec.XmrSpec, left: float, plot_w: float, size: float):
    """Each marker's label above the plot, right of its line (left of it near the right
    edge), in the first row where it overlaps no other label."""
    n = len(spec.x)
    rows: list[list] = []
    boxes: list[list[tuple[float, float]]] = []
    for m in spec.markers:
        at = left + (m.at * plot_w / (n - 1) if n > 1 else plot_w / 2)
        w = chartspec.text_width(m.label, size)
        if at + 3 + w <= left + plot_w + 10:
            anchor, tx, box = "start", at + 3, (at + 3, at + 3 + w)
        else:
            anchor, tx, box = "end", at - 3, (at - 3 - w, at - 3)
        for row, taken in enumerate(boxes):
            if all(box[1] + 6 <= a or b + 6 <= box[0] for a, b in taken):
                rows[row].append((m, anchor, tx))
                taken.append(box)
                break
        else:
            rows.append([(m, anchor, tx)])
            boxes.append([box])
    return rows


def _legend(spec: chartspec.XmrSpec, left: float, width: float, top: float, size: float):
    """What is drawn, each with its sample, flowed into rows that fit the width."""
    items = [("line", GREY, "", "Value")]
    if spec.has("mean"):
        items.append(("line", INK, "", "Mean"))
    if spec.has("upl") or spec.has("lpl"):
        items.append(("line", INK, "5 3", "Process limits"))
    if spec.target is not None:
        items.append(("line", RED, "8 4", f"Target {fmt.number(spec.target, spec.unit)}"))
    items += [("line", BENCH, "10 3 2 3", name) for name, _ in spec.benchmarks]
    kinds = {k for _, k, _ in spec.signals}
    items += [("point", k, "", words) for k, words in (
        ("improvement", "Special cause: improvement"), ("concern", "Special cause: concern"),
        ("neutral", "Special cause: neither better nor worse")) if k in kinds]
    for kind, words in (("launch", f"limits fixed on the {spec.step}s before"),
                        ("rebase", "limits worked out again")):
        if any(m.kind == kind for m in spec.markers):
            items.append(("line", MARKER, "2 3" if kind == "launch" else "6 3 2 3",
                          f"{'Launch' if kind == 'launch' else 'Rebase'}: {words}"))
    parts, line_h = [], size + 6
    at, rows = chartspec.flow([22 + chartspec.text_width(words, size) for *_, words in items],
                              left, width, top, line_h, size)
    for (shape, colour, dash, words), (x, cy) in zip(items, at, strict=True):
        if shape == "line":
            parts.append(f'<line x1="{x:.1f}" x2="{x + 18:.1f}" y1="{cy:.1f}" y2="{cy:.1f}" '
                         f'stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>')
        else:
            parts.append(_point(x + 9, cy, colour))
        parts.append(_text(x + 22, cy + size * 0.35, words, size, "start"))
    return parts, rows * line_h


def as_img(svg_text: str, label: str) -> str:
    """An SVG as an <img> with alt text (survives HTML sanitisers that drop inline SVG)."""
    if not svg_text.startswith("<svg"):
        return svg_text
    encoded = base64.b64encode(svg_text.encode("utf-8")).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{encoded}" alt="{escape(label)}">'


# Making Data Count icons, drawn after NHS England's: a circle, coloured by the kind of
# variation (grey common cause, blue improvement, orange concern, purple neither) with H or
# L for a high or low special cause; the assurance icon a circle with P (pass), F (fail) or
# ? (hit and miss). Each carries its words as its name (aria-label) and tooltip. The colours
# are in styles.CSS (lscp-icon-<kind>).


def mdc_icon(kind: str, letter: str, words: str, size: int = 30) -> str:
    """The icon as a styled ``<span>`` (``styles.CSS``: ``lscp-icon``), named by its words
    for a screen reader and as its tooltip: a page or pack of many measures draws two per
    measure, and an image each (an SVG document for the browser to build) cost a page's
    first load more than the rest of its table. ``size`` is its width in pixels."""
    style = "" if size == 30 else (f' style="width:{size}px;height:{size}px;'
                                   f'line-height:{size - 2}px;font-size:{size * 0.45:.0f}px"')
    name = escape(words)
    return (f'<span class="lscp-icon lscp-icon-{escape(kind)}" role="img" aria-label="{name}" '
            f'title="{name}"{style}>{escape(letter)}</span>')


def variation_icon(icon: str | None, words: str) -> str:
    if not icon:
        return ""
    kind = icon.split("_")[0] if icon != "common_cause" else "common"
    letter = "" if kind == "common" else ("H" if icon.endswith("high") else "L")
    return mdc_icon(kind, letter, words)


def assurance_icon(icon: str | None, words: str) -> str:
    if not icon:
        return ""
    letter = {"consistent_pass": "P", "consistent_fail": "F", "inconsistent": "?"}.get(icon, "")
    return mdc_icon(icon, letter, words)
