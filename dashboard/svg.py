"""Hand-made SVG charts for HTML output (board pack, scorecard): no JavaScript, no CDN.

A missing value (suppressed or not available) is a gap in the line, never a zero.
"""

from __future__ import annotations

import base64
import math
from html import escape

import pandas as pd

BLUE, GREY, RED, INK = "#1d70b8", "#505a5f", "#d4351c", "#0b0c0c"
IMPROVEMENT, CONCERN = "#1d70b8", "#f47738"


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
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in run)


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


def line_chart(frame: pd.DataFrame, label: str, value_format, width: int = 680,
               height: int = 240) -> str:
    """The XmR chart for print: value, mean, process limits, target; signals marked.

    ``frame`` has period_end, value and optionally mean, lpl, upl, target, point_type.
    """
    frame = frame.sort_values("period_end").reset_index(drop=True)
    if frame.empty or frame["value"].notna().sum() < 1:
        return f'<p class="lscp-muted">{escape(label)}: no values to chart.</p>'
    left, right, top, bottom = 70, 36, 14, 34
    cols = [c for c in ("value", "mean", "lpl", "upl", "target") if c in frame.columns]
    numbers = pd.concat([frame[c] for c in cols]).dropna()
    lo, hi = float(numbers.min()), float(numbers.max())
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    lo, hi = lo - (hi - lo) * 0.05, hi + (hi - lo) * 0.05
    n = len(frame)
    xs = [left + i * (width - left - right) / max(n - 1, 1) for i in range(n)]

    def y(v: float) -> float:
        return top + (hi - float(v)) / (hi - lo) * (height - top - bottom)

    parts = [f'<rect x="{left}" y="{top}" width="{width - left - right}" '
             f'height="{height - top - bottom}" fill="#ffffff" stroke="#b1b4b6"/>']
    for v in (lo + (hi - lo) * k / 4 for k in range(5)):
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" '
                     f'font-size="11" fill="{INK}">{escape(value_format(v))}</text>')
    ticks = sorted({0, n - 1, *range(0, n, max(n // 6, 1))})
    for i in ticks:
        when = pd.Timestamp(frame["period_end"].iloc[i]).strftime("%b %Y")
        parts.append(f'<text x="{xs[i]:.1f}" y="{height - 12}" text-anchor="middle" '
                     f'font-size="11" fill="{INK}">{when}</text>')
    for col, colour, dash, name in (("upl", GREY, "4 3", "upper process limit"),
                                    ("lpl", GREY, "4 3", "lower process limit"),
                                    ("mean", INK, "", "mean"), ("target", RED, "8 4", "target")):
        if col in frame.columns and frame[col].notna().any():
            v = float(frame[col].dropna().iloc[-1])
            parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" '
                         f'y2="{y(v):.1f}" stroke="{colour}" stroke-width="1.2" '
                         f'stroke-dasharray="{dash}"><title>{name}</title></line>')
    pts = [(x, y(v) if _ok(v) else None) for x, v in zip(xs, frame["value"], strict=True)]
    for run in _segments(pts):
        parts.append(f'<polyline points="{_path(run)}" fill="none" stroke="{BLUE}" '
                     'stroke-width="2"/>')
    kinds = frame["point_type"] if "point_type" in frame.columns else [None] * n
    for (x, yy), kind in zip(pts, kinds, strict=True):
        if yy is None:
            continue
        kind = kind if isinstance(kind, str) else ""
        if "improvement" in kind:
            parts.append(f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="4.5" fill="{IMPROVEMENT}"/>')
        elif "concern" in kind:
            parts.append(f'<rect x="{x - 4:.1f}" y="{yy - 4:.1f}" width="8" height="8" '
                         f'fill="{CONCERN}" stroke="{INK}" stroke-width="0.8"/>')
        elif "neutral" in kind:
            parts.append(f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="4" fill="#4c2c92"/>')
        else:
            parts.append(f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="2.2" fill="{BLUE}"/>')
    return (f'<svg role="img" aria-label="{escape(label)}" width="100%" '
            f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
            f'style="max-width:{width}px"><title>{escape(label)}</title>{"".join(parts)}</svg>')


def as_img(svg_text: str, label: str) -> str:
    """An SVG as an <img> with alt text (survives HTML sanitisers that drop inline SVG)."""
    if not svg_text.startswith("<svg"):
        return svg_text
    encoded = base64.b64encode(svg_text.encode("utf-8")).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{encoded}" alt="{escape(label)}">'


# Making Data Count icons, drawn after NHS England's: a circle, coloured by the kind of
# variation (grey common cause, blue improvement, orange concern, purple neither) with H or
# L for a high or low special cause; the assurance icon a circle with P (pass), F (fail) or
# ? (hit and miss). Each carries its words as a <title> and as the <img> alt text.
MDC_COLOURS = {"common": "#a6a6a6", "improvement": "#00b0f0", "concern": "#e46c0a",
               "neutral": "#490092", "consistent_pass": "#00b0f0",
               "consistent_fail": "#e46c0a", "inconsistent": "#a6a6a6"}


def mdc_icon(kind: str, letter: str, words: str, size: int = 30) -> str:
    colour = MDC_COLOURS.get(kind, GREY)
    text_colour = "#ffffff" if kind in ("neutral", "concern", "consistent_fail") else INK
    r = size / 2
    svg_text = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
                f'viewBox="0 0 {size} {size}" role="img" aria-label="{escape(words)}">'
                f'<title>{escape(words)}</title>'
                f'<circle cx="{r}" cy="{r}" r="{r - 1.5}" fill="{colour}" stroke="{INK}" '
                f'stroke-width="1"/>'
                f'<text x="{r}" y="{r + 5}" text-anchor="middle" font-size="{size * 0.45:.0f}" '
                f'font-family="Arial, sans-serif" font-weight="bold" fill="{text_colour}">'
                f'{escape(letter)}</text></svg>')
    return as_img(svg_text, words)


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
