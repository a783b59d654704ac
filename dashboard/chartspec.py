"""One SPC chart for the web and the pack: what to draw, worked out once.

:func:`xmr_spec` turns an SPC series (the ``spc`` table's rows, or a headline series with
only ``period_end`` and ``value``) into an :class:`XmrSpec`: the value line with its gaps,
the centre line and limits (broken where they are worked out again), the special-cause
points, target and benchmark lines, the launch and rebase markers, the y-axis unit, "nice"
y ticks (1, 2, 2.5 or 5 × a power of ten) and the months labelled on the x axis (every
``step`` months back from the latest, far enough apart that no two labels touch).
``svg.xmr_chart`` draws it as SVG in the board pack and, through ``charts.xmr``, on the
pages. Nothing here knows Streamlit or SVG.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from dashboard import formatting as fmt

FONT_PX = 11  # axis labels, in both renderings
# a text's width, conservatively: Arial's widest common characters (capitals, digits, %)
# are at most about 0.6 em wide on average over a label
EM_PER_CHAR = 0.62
PLOT_WIDTH = 560  # the plot area both renderings lay the month labels out for (px)
MONTH_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 60)
LABEL_GAP = 10  # px between two month labels at least


def text_width(text: str, size: float = FONT_PX) -> float:
    """An upper estimate of ``text``'s width in px at ``size`` px (no font metrics needed)."""
    return len(str(text)) * EM_PER_CHAR * size


def month_label(when) -> str:
    return pd.Timestamp(when).strftime("%b %Y")


def quarter_label(when) -> str:
    """A calendar quarter by its months, from its last day: "Jan-Mar 2026" (never the
    quarter's end month alone, which reads as a month). The one label of a quarter on the
    chart, its table, the pack and the CSV."""
    end = pd.Timestamp(when)
    start = end - pd.offsets.MonthBegin(3)
    return f"{start:%b}-{end:%b %Y}"


def point_label(when, step: str = "month") -> str:
    """A point of an XmR series on an axis or in a table: a month, or a quarter's months."""
    return quarter_label(when) if step == "quarter" else month_label(when)


def series_step(frame: pd.DataFrame) -> str:
    """"quarter" for a quarterly series (``spc_quarterly``'s rows: series "quarter"), else
    "month"."""
    if "series" in frame.columns and len(frame):
        kinds = set(frame["series"].dropna().astype(str))
        if kinds == {"quarter"}:
            return "quarter"
    return "month"


def nice_ticks(lo: float, hi: float, most: int = 6) -> list[float]:
    """Round ticks covering [lo, hi]: a step of 1, 2, 2.5 or 5 × 10^k, at most ``most``."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        lo, hi = (lo - 1, hi + 1) if lo != 0 else (0.0, 1.0)
    raw = (hi - lo) / max(most - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    for step in (m * power * k for k in (1, 10, 100) for m in (1, 2, 2.5, 5)):
        first = math.floor(lo / step + 1e-9) * step
        last = math.ceil(hi / step - 1e-9) * step
        if round((last - first) / step) + 1 <= most:
            break
    n = int(round((last - first) / step))
    return [_tidy(first + i * step, step) for i in range(n + 1)]


def _tidy(v: float, step: float) -> float:
    digits = max(0, -math.floor(math.log10(step)) + 2)
    out = round(v, digits)
    return 0.0 if out == 0 else out


def tick_decimals(ticks: list[float]) -> int:
    """Decimals that tell the ticks apart and no more (0 for 10, 12, 14; 1 for 2.5, 5.0)."""
    for d in range(4):
        if all(abs(t - round(t, d)) < 1e-9 for t in ticks):
            return d
    return 3


def tick_text(v: float, unit: str, decimals: int) -> str:
    text = f"{v:,.{decimals}f}"
    return text + "%" if unit == "percent" else text


def month_ticks(ends: list, plot_width: float = PLOT_WIDTH, size: float = FONT_PX,
                step: str = "month") -> list[int]:
    """The positions of the points labelled: the latest, and every ``step`` points before it,
    the smallest step at which neighbouring labels leave ``LABEL_GAP`` px between them
    (``step``: "month" or "quarter", how each point is labelled)."""
    n = len(ends)
    if n == 0:
        return []
    if n == 1:
        return [0]
    per_month = plot_width / (n - 1)
    widest = max(text_width(point_label(e, step), size) for e in ends)
    every = next((s for s in MONTH_STEPS if s * per_month >= widest + LABEL_GAP), n)
    return sorted(range(n - 1, -1, -every))


def visible_points(frame: pd.DataFrame) -> int:
    """Points of an SPC series a reader can see: a value, not hidden."""
    if frame is None or frame.empty or "value" not in frame.columns:
        return 0
    shown = pd.to_numeric(frame["value"], errors="coerce").notna()
    if "hidden" in frame.columns:
        shown &= ~frame["hidden"].fillna(False).astype(bool)
    return int(shown.sum())


def flow(widths: list[float], left: float, width: float, top: float, line_h: float,
         font: float, gap: float = 14) -> tuple[list[tuple[float, float]], int]:
    """A legend's items of ``widths`` flowed into rows that fit between ``left`` and
    ``width``: each item's left x and centre y, and the number of rows."""
    at, x, row = [], left, 0
    for w in widths:
        if x > left and x + w > width - 4:
            x, row = left, row + 1
        at.append((x, top + row * line_h + font * 0.5))
        x += w + gap
    return at, row + 1


def no_chart_sentence(points: int, step: str = "month") -> str:
    """Said instead of a chart with nothing to draw (no axes round an empty plot)."""
    many = f"{step}s" if points != 1 else step
    if not points:
        return f"No chart: there are no {step}s to show yet."
    return (f"No chart: none of the {points} {many} can be shown, because each has too few "
            "children to publish (c).")


@dataclass
class Marker:
    """A vertical line where the limits were fixed (a launch) or worked out again."""

    at: int  # position in the series
    period_end: pd.Timestamp
    label: str
    kind: str  # "launch" or "rebase"
    reason: str = ""
    step: str = "month"  # the series' points: "month" or "quarter"

    @property
    def words(self) -> str:
        return (f"limits fixed on the {self.step}s before" if self.kind == "launch"
                else "limits worked out again from here")


@dataclass
class XmrSpec:
    title: str
    unit: str
    axis_title: str
    x: list[pd.Timestamp]
    y: list[float | None]
    mean: list[float | None] = field(default_factory=list)
    upl: list[float | None] = field(default_factory=list)
    lpl: list[float | None] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)  # limits are drawn apart per group
    signals: list[tuple[int, str, str]] = field(default_factory=list)  # (at, kind, rule)
    target: float | None = None
    benchmarks: list[tuple[str, float]] = field(default_factory=list)  # (legend name, value)
    markers: list[Marker] = field(default_factory=list)
    y_ticks: list[float] = field(default_factory=list)
    y_tick_text: list[str] = field(default_factory=list)
    x_ticks: list[int] = field(default_factory=list)
    step: str = "month"  # "quarter": each point is a calendar quarter, labelled "Jan-Mar 2026"

    @property
    def y_range(self) -> tuple[float, float]:
        return self.y_ticks[0], self.y_ticks[-1]

    @property
    def x_tick_text(self) -> list[str]:
        return [self.label(i) for i in self.x_ticks]

    def label(self, i: int) -> str:
        """Point ``i`` as the axis and the table say it (a month, or a quarter's months)."""
        return point_label(self.x[i], self.step)

    @property
    def visible(self) -> int:
        """Points with a value to draw (hidden and missing ones are gaps)."""
        return sum(v is not None for v in self.y)

    def has(self, line: str) -> bool:
        return any(v is not None for v in getattr(self, line))


SIGNAL_KINDS = ("improvement", "concern", "neutral")
NOT_NEGATIVE = ("percent", "rate", "count")  # units whose axis starts at 0 at the lowest


def _numbers(frame: pd.DataFrame, col: str) -> list[float | None]:
    if col not in frame.columns:
        return [None] * len(frame)
    values = pd.to_numeric(frame[col], errors="coerce").astype(float)
    return [None if pd.isna(v) else float(v) for v in values]


def xmr_spec(spc: pd.DataFrame, title: str, unit: str, target: float | None = None,
             benchmarks: pd.DataFrame | None = None,
             plot_width: float = PLOT_WIDTH) -> XmrSpec:
    """What the XmR chart of ``spc`` shows (hidden cells are gaps, never zeros)."""
    spc = spc.sort_values("period_end").reset_index(drop=True)
    y = _numbers(spc, "value")
    if "hidden" in spc.columns:
        hidden = spc["hidden"].fillna(False).astype(bool)
        y = [None if h else v for v, h in zip(y, hidden, strict=True)]
    kinds = (spc["baseline_kind"].fillna("").astype(str) if "baseline_kind" in spc.columns
             else pd.Series("", index=spc.index))
    groups = kinds.str.contains("rebase").cumsum().astype(int).tolist()
    types = (spc["point_type"].fillna("").astype(str) if "point_type" in spc.columns
             else pd.Series("", index=spc.index))
    rules = (spc["point_label"] if "point_label" in spc.columns
             else pd.Series(None, index=spc.index))
    signals = [(i, kind, "" if pd.isna(rule) else str(rule))
               for i, (t, rule) in enumerate(zip(types, rules, strict=True)) if y[i] is not None
               for kind in SIGNAL_KINDS if t.startswith(f"special_cause_{kind}")]
    markers = []
    if "baseline_label" in spc.columns:
        for i, row in spc[spc["baseline_label"].notna()].iterrows():
            reason = row.get("baseline_reason")
            markers.append(Marker(int(i), pd.Timestamp(row["period_end"]),
                                  str(row["baseline_label"]),
                                  "launch" if "fix" in str(row.get("baseline_kind") or "")
                                  else "rebase",
                                  "" if reason is None or pd.isna(reason) else str(reason),
                                  series_step(spc)))
    bench = []
    if benchmarks is not None and not benchmarks.empty:
        latest = benchmarks.sort_values("period_label").groupby("geography").tail(1)
        bench = [(f"{b.geography} {fmt.number(b.value, unit)} ({b.period_label})",
                  float(b.value)) for b in latest.itertuples()][:3]
    target = None if target is None or pd.isna(target) else float(target)
    spec = XmrSpec(title=title, unit=unit, axis_title=fmt.unit_label(unit).capitalize(),
                   x=[pd.Timestamp(t) for t in spc["period_end"]], y=y,
                   mean=_numbers(spc, "mean"), upl=_numbers(spc, "upl"),
                   lpl=_numbers(spc, "lpl"), groups=groups, signals=signals, target=target,
                   benchmarks=bench, markers=markers, step=series_step(spc))
    drawn = [v for col in ("y", "mean", "upl", "lpl") for v in getattr(spec, col)
             if v is not None]
    drawn += [v for _, v in bench] + ([target] if target is not None else [])
    if unit in NOT_NEGATIVE:  # a lower limit below 0 runs off the foot of the axis at 0
        drawn = [max(v, 0.0) for v in drawn]
    lo, hi = (min(drawn), max(drawn)) if drawn else (0.0, 1.0)
    if unit in NOT_NEGATIVE:
        lo = max(0.0, lo - (hi - lo) * 0.05)  # never a negative axis for a share or count
    spec.y_ticks = nice_ticks(lo, hi)
    decimals = tick_decimals(spec.y_ticks)
    spec.y_tick_text = [tick_text(t, unit, decimals) for t in spec.y_ticks]
    spec.x_ticks = month_ticks(spec.x, plot_width, step=spec.step)
    return spec
