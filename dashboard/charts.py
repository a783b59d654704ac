"""Plotly figure builders: DataFrame in, Figure out (no Streamlit, tested on their own).

Hidden (suppressed) and missing values are NaN, so lines have gaps there.
Special-cause points differ by marker shape as well as colour.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import chartspec
from dashboard import formatting as fmt

PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#b1450c", "#505a5f", "#28a197",
           "#912b88"]
# lines that must be told apart (localities over time): Okabe and Ito's colour-blind-safe
# colours, and each line its own dash and marker too, so that every line differs in
# greyscale as well
LINE_COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#6f4e37",
                "#999933"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "5px,2px,1px,2px",
          "1px,3px"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon",
           "triangle-down", "pentagon"]
INK, GREY, RED = "#0b0c0c", "#505a5f", "#d4351c"
MARKER = "#6f72af"  # launch and rebase lines, on the pages and in the pack
SIGNALS = {  # point_type prefix -> (legend name, colour, marker)
    "special_cause_improvement": ("Special cause: improvement", "#1d70b8", "circle"),
    "special_cause_concern": ("Special cause: concern", "#f47738", "square"),
    "special_cause_neutral": ("Special cause: neither better nor worse", "#4c2c92", "diamond"),
}
AXIS = dict(showline=True, linecolor="#b1b4b6", gridcolor="#e5e6e7", zeroline=False,
            tickfont=dict(color=INK))


def _layout_dict(title: str, unit: str, height: int = 420) -> dict:
    return {
        "title": {"text": title, "font": {"size": 16, "color": INK}}, "height": height,
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10}, "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "font": {"family": "Arial, Helvetica, sans-serif", "color": INK},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        "hovermode": "x unified",
        "xaxis": dict(AXIS),
        "yaxis": {**AXIS, "title": {"text": fmt.unit_label(unit)}},
    }


def _layout(fig: go.Figure, title: str, unit: str, height: int = 420) -> go.Figure:
    fig.update_layout(**_layout_dict(title, unit, height))
    return fig


def _y(frame: pd.DataFrame) -> pd.Series:
    """Values with hidden cells blanked (they already are; this is belt and braces)."""
    y = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    if "hidden" in frame.columns:
        y = y.where(~frame["hidden"].fillna(False).astype(bool))
    return y


def _level(x: pd.Series, level: float, name: str, colour: str, dash: str) -> dict:
    """A horizontal reference line as a named trace (in the legend, not only drawn)."""
    return {"type": "scatter", "mode": "lines", "x": [x.min(), x.max()],
            "y": [float(level), float(level)], "name": name, "hoverinfo": "skip",
            "line": {"color": colour, "dash": dash, "width": 2}}


def xmr(spc: pd.DataFrame, title: str, unit: str, target: float | None = None,
        benchmarks: pd.DataFrame | None = None) -> go.Figure:
    """XmR chart: values, mean, process limits, special-cause points, target, benchmarks and
    the launch and rebase markers, drawn from the one spec the board pack draws too
    (``chartspec.xmr_spec``: the same ticks, unit and month labels).

    Built as one figure spec (plotly's add_hline and per-trace adds cost ~0.1 s each).
    """
    return xmr_figure(chartspec.xmr_spec(spc, title, unit, target, benchmarks))


def xmr_figure(spec: chartspec.XmrSpec) -> go.Figure:
    """The plotly rendering of an XmR chart spec."""
    x = pd.Series(spec.x, dtype="datetime64[ns]")
    y = pd.Series([np.nan if v is None else v for v in spec.y], dtype=float)
    traces = [{"type": "scatter", "x": x, "y": y, "mode": "lines+markers", "name": "Value",
               "line": {"color": GREY, "width": 2}, "marker": {"size": 5, "color": GREY},
               "connectgaps": False, "hovertemplate": "%{y:,.1f}<extra>Value</extra>"}]
    # the limits break where they are worked out again (a rebase), as NHSRplotthedots draws them
    groups = pd.Series(spec.groups, dtype=int)
    for col, name, dash in (("mean", "Mean", "solid"), ("upl", "Upper process limit", "dash"),
                            ("lpl", "Lower process limit", "dash")):
        if spec.has(col):
            values = pd.Series([np.nan if v is None else v for v in getattr(spec, col)],
                               dtype=float)
            for i, part in enumerate(groups.groupby(groups, sort=True).groups.values()):
                traces.append({"type": "scatter", "x": x[part], "y": values[part],
                               "mode": "lines", "name": name, "legendgroup": name,
                               "showlegend": i == 0,
                               "line": {"color": INK, "width": 1.2, "dash": dash},
                               "hovertemplate": f"%{{y:,.1f}}<extra>{name}</extra>"})
    for prefix, (name, colour, symbol) in SIGNALS.items():
        kind = prefix.rsplit("_", 1)[1]
        hit = [(i, rule) for i, k, rule in spec.signals if k == kind]
        if hit:
            at = [i for i, _ in hit]
            traces.append({
                "type": "scatter", "x": x[at], "y": y[at], "mode": "markers", "name": name,
                "marker": {"size": 11, "color": colour, "symbol": symbol,
                           "line": {"color": INK, "width": 1}},
                "text": [rule for _, rule in hit],
                "hovertemplate": "%{y:,.1f}: %{text}<extra>" + name + "</extra>"})
    if spec.target is not None and len(x):
        traces.append(_level(x, spec.target, f"Target {fmt.number(spec.target, spec.unit)}",
                             RED, "dot"))
    traces += _baseline_lines(spec)
    for (name, value), dash in zip(spec.benchmarks, ("dashdot", "longdashdot", "longdash"),
                                   strict=False):
        if len(x):
            traces.append(_level(x, value, name, "#28a197", dash))
    layout = _layout_dict(spec.title, spec.unit)
    layout["yaxis"] = {**layout["yaxis"], "title": {"text": spec.axis_title},
                       "tickmode": "array", "tickvals": spec.y_ticks,
                       "ticktext": spec.y_tick_text, "range": list(spec.y_range)}
    # a page's chart may be as narrow as a phone's (390 px, about 280 px of plot): its month
    # labels are spaced for that, so they never overlap however wide the page is
    narrow = chartspec.month_ticks(spec.x, WEB_NARROWEST_PLOT, step=spec.step)
    layout["xaxis"] = {**layout["xaxis"], "tickmode": "array",
                       "tickvals": [spec.x[i] for i in narrow],
                       "ticktext": [spec.label(i) for i in narrow]}
    if spec.step == "quarter":  # a quarter is its months, never its last day's date
        layout["hovermode"] = "closest"
        traces[0]["customdata"] = [spec.label(i) for i in range(len(spec.x))]
        traces[0]["hovertemplate"] = "%{customdata}: %{y:,.1f}<extra>Value</extra>"
    return go.Figure(data=traces, layout=layout)


WEB_NARROWEST_PLOT = 260  # px: the plot area of a chart on a 390 px phone screen


def _baseline_lines(spec: chartspec.XmrSpec) -> list[dict]:
    """A labelled vertical line where limits are fixed (a launch) or worked out again."""
    low, high = spec.y_range
    traces = []
    for m in spec.markers:
        traces.append({
            "type": "scatter", "mode": "lines+text", "x": [m.period_end, m.period_end],
            "y": [low, high], "name": f"{m.label} ({m.words})",
            "text": ["", m.label], "textposition": "bottom right",
            "line": {"color": MARKER, "width": 2, "dash": "dot" if m.kind == "launch"
                     else "dashdot"},
            "hovertemplate": f"{m.label}: {m.reason}<extra></extra>".replace("%", "%%")})
    return traces


def lines(frame: pd.DataFrame, by: str, title: str, unit: str,
          highlight: str | None = "All", highlight_name: str = "Partnership (All)") -> go.Figure:
    """One line per ``by`` group (locality or agency) over time; ``highlight`` drawn thick."""
    groups = list(dict.fromkeys(frame[by]))
    if highlight in groups:  # draw the partnership last so it sits on top
        groups = [g for g in groups if g != highlight] + [highlight]
    parts = dict(list(frame.groupby(by, sort=False)))
    traces = []
    for i, group in enumerate(groups):
        part = parts[group].sort_values("period_end")
        main = group == highlight
        traces.append({
            "type": "scatter", "x": part["period_end"], "y": _y(part), "mode": "lines+markers",
            "name": highlight_name if main else str(group), "connectgaps": False,
            "line": {"color": INK if main else LINE_COLOURS[i % len(LINE_COLOURS)],
                     "width": 3.5 if main else 1.8,
                     "dash": "solid" if main else DASHES[i % len(DASHES)]},
            "marker": {"size": 4 if main else 7, "symbol": "circle" if main
                       else SYMBOLS[i % len(SYMBOLS)]},
            "hovertemplate": f"%{{y:,.1f}}<extra>{group}</extra>"})
    return go.Figure(data=traces, layout=_layout_dict(title, unit))


def bars(frame: pd.DataFrame, label: str, title: str, unit: str) -> go.Figure:
    """Horizontal bars, one per ``label`` row; hidden cells are labelled c, not drawn."""
    frame = frame.reset_index(drop=True)
    y = _y(frame)
    text = [fmt.number(v, unit, bool(h)) for v, h in
            zip(y, frame.get("hidden", pd.Series(False, index=frame.index)), strict=True)]
    fig = go.Figure(go.Bar(x=y.fillna(0).where(y.notna(), None), y=frame[label],
                           orientation="h", marker_color=PALETTE[0], text=text,
                           textposition="outside", cliponaxis=False,
                           hovertemplate="%{y}: %{text}<extra></extra>"))
    fig = _layout(fig, title, unit, height=max(260, 46 * len(frame) + 90))
    fig.update_yaxes(title=None, autorange="reversed")
    fig.update_xaxes(title=fmt.unit_label(unit))
    fig.update_layout(hovermode="closest")
    return fig


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


def heatmap(categories: pd.DataFrame, text: pd.DataFrame, title: str,
            against: str = "the partnership") -> go.Figure:
    """Indicators × localities, each cell coloured by its category (one of ``CATEGORIES``;
    blank: not compared) in discrete colours, with a legend of the five categories."""
    index = {w: i for i, w in enumerate(CATEGORY_WORDS)}
    z = categories.apply(lambda col: col.map(index)).to_numpy(dtype=float)
    steps = []
    for i, (_, colour, _) in enumerate(CATEGORIES):
        steps += [[i / len(CATEGORIES), colour], [(i + 1) / len(CATEGORIES), colour]]
    traces = [go.Heatmap(
        z=z, x=list(categories.columns), y=list(categories.index), text=text.to_numpy(),
        texttemplate="%{text}", textfont={"size": 12, "color": INK}, zmin=-0.5,
        zmax=len(CATEGORIES) - 0.5, colorscale=steps, showscale=False,
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>", xgap=2, ygap=2)]
    for word, colour, _ in CATEGORIES:  # the legend: a square of each category's colour
        traces.append(go.Scatter(x=[None], y=[None], mode="markers", name=word,
                                 marker={"symbol": "square", "size": 14, "color": colour,
                                         "line": {"color": INK, "width": 1}},
                                 hoverinfo="skip", showlegend=True))
    fig = go.Figure(traces)
    # the title keeps clear of the place names above the grid (slanted on a tablet): it
    # pushes the margin rather than sitting over them
    fig.update_layout(title=dict(text=title, font=dict(size=16, color=INK), yref="container",
                                 y=1, yanchor="top", pad=dict(t=8)),
                      height=max(360, 34 * len(categories) + 180),
                      margin=dict(l=10, r=10, t=80, b=10), plot_bgcolor="#ffffff",
                      font=dict(family="Arial, Helvetica, sans-serif", color=INK, size=12),
                      legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0,
                              "title": {"text": f"Against {against}: "}})
    fig.update_yaxes(autorange="reversed", tickfont=dict(color=INK), showgrid=False)
    fig.update_xaxes(side="top", tickfont=dict(color=INK), showgrid=False, automargin=True)
    return fig


def small_multiples(frame: pd.DataFrame, panel: str, by: str, units: dict[str, str],
                    title: str, highlight: str = "All", columns: int = 2,
                    highlight_name: str = "Partnership (All)") -> dict:
    """One small line chart per ``panel`` value, a line per ``by`` group, shared legend.

    Returned as a plain plotly figure dict: plotly's object model validates every
    property and took 0.6 s for a dozen panels; Streamlit draws the dict as it is.
    """
    panels = list(dict.fromkeys(frame[panel]))
    rows = max(1, -(-len(panels) // columns))
    gap_x, gap_y = 0.08, min(0.1, 0.45 / rows)
    width = (1 - gap_x * (columns - 1)) / columns
    height = (1 - gap_y * (rows - 1)) / rows
    groups = list(dict.fromkeys(frame[by]))
    colours = {g: INK if g == highlight else PALETTE[i % len(PALETTE)]
               for i, g in enumerate(groups)}
    axis = {"showline": True, "linecolor": "#b1b4b6", "gridcolor": "#e5e6e7",
            "zeroline": False, "tickfont": {"color": INK}}
    layout: dict = {
        "title": {"text": title, "font": {"size": 16, "color": INK}},
        "height": 260 * rows + 120, "margin": {"l": 10, "r": 10, "t": 90, "b": 10},
        "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff",
        "font": {"family": "Arial, Helvetica, sans-serif", "color": INK},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0 + 40 / (260 * rows),
                   "x": 0},
        "hovermode": "x unified", "annotations": [], "showlegend": True,
    }
    traces, seen = [], set()
    for i, p in enumerate(panels):
        r, c = divmod(i, columns)
        x0 = c * (width + gap_x)
        y1 = 1 - r * (height + gap_y)
        n = "" if i == 0 else str(i + 1)
        layout[f"xaxis{n}"] = {**axis, "domain": _unit_range(x0, x0 + width),
                               "anchor": f"y{n}", "type": "date"}
        layout[f"yaxis{n}"] = {**axis, "domain": _unit_range(y1 - height, y1),
                               "anchor": f"x{n}"}
        layout["annotations"].append({
            "text": f"{p} ({fmt.unit_label(units.get(p, 'count'))})", "showarrow": False,
            "xref": "paper", "yref": "paper", "x": x0 + width / 2, "y": y1,
            "xanchor": "center", "yanchor": "bottom", "font": {"size": 13, "color": INK}})
        part = frame[frame[panel] == p]
        for g, line in part.groupby(by, sort=False):
            line = line.sort_values("period_end")
            main = g == highlight
            y = _y(line)
            traces.append({
                "type": "scatter", "mode": "lines", "connectgaps": False,
                "x": line["period_end"].dt.strftime("%Y-%m-%d").tolist(),
                "y": [None if pd.isna(v) else float(v) for v in y],
                "name": highlight_name if main else str(g), "legendgroup": str(g),
                "showlegend": g not in seen, "xaxis": f"x{n}", "yaxis": f"y{n}",
                "line": {"color": colours[g], "width": 2.6 if main else 2,
                         "dash": "solid" if main else "dash"},
                "hovertemplate": f"%{{y:,.1f}}<extra>{g}</extra>"})
            seen.add(g)
    return {"data": traces, "layout": layout}


def _unit_range(lo: float, hi: float) -> list[float]:
    """A subplot domain inside [0, 1] (float noise can fall just outside)."""
    return [round(min(max(lo, 0.0), 1.0), 6), round(min(max(hi, 0.0), 1.0), 6)]


def funnel(points: pd.DataFrame, curves: pd.DataFrame, target: float, title: str,
           unit: str, base_name: str = "Partnership") -> go.Figure:
    """Funnel plot: each place's value against its denominator, the partnership's value and
    the 95% / 99.8% limits (``curves``: denominator, lower_95, upper_95, lower_99.8, upper_99.8)."""
    traces = []
    for col, name, dash in (("upper_99.8", "99.8% limits", "solid"),
                            ("lower_99.8", "99.8% limits", "solid"),
                            ("upper_95", "95% limits", "dash"), ("lower_95", "95% limits", "dash")):
        traces.append({"type": "scatter", "mode": "lines", "x": curves["denominator"],
                       "y": curves[col], "name": name, "legendgroup": name,
                       "showlegend": col.startswith("upper"), "hoverinfo": "skip",
                       "line": {"color": INK if "99.8" in col else GREY, "width": 1.3,
                                "dash": dash}})
    if len(curves):
        traces.append(_level(curves["denominator"], target,
                             f"{base_name} {fmt.number(target, unit)}", INK, "dot"))
    verdict = (points["verdict"].fillna("as expected") if "verdict" in points
               else pd.Series("as expected", points.index))
    styles = {w: (colour, symbol) for w, colour, symbol in CATEGORIES} | {
        w: (GREY, symbol) for w, symbol in CONTEXT.items()}
    for word in [*CATEGORY_WORDS, *CONTEXT]:  # every point in its category, named by it
        hit = verdict.eq(word)
        if not hit.any():
            continue
        part = points[hit]
        colour, symbol = styles[word]
        traces.append({
            "type": "scatter", "mode": "markers+text", "x": part["denominator"],
            "y": _y(part), "text": part["name"], "textposition": "top center", "name": word,
            "customdata": part["verdict"],
            "marker": {"size": 11, "symbol": symbol, "color": colour,
                       "line": {"color": INK, "width": 1}},
            "hovertemplate": "%{text}: %{y:,.1f} of %{x:,.0f} (%{customdata})<extra></extra>"})
    layout = _layout_dict(title, unit)
    layout["xaxis"] = {**AXIS, "title": {"text": "denominator (size)"}}
    layout["legend"] = {**layout["legend"], "y": -0.2}  # below the axis title
    return go.Figure(data=traces, layout=layout)
