"""Plotly figure builders: DataFrame in, Figure out (no Streamlit, tested on their own).

Hidden (suppressed) and missing values are NaN, so lines have gaps there.
Special-cause points differ by marker shape as well as colour.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import formatting as fmt

PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#b1450c", "#505a5f", "#28a197",
           "#912b88"]
INK, GREY, RED = "#0b0c0c", "#505a5f", "#d4351c"
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
    """XmR chart: values, mean, process limits, special-cause points, target and benchmarks.

    Built as one figure spec (plotly's add_hline and per-trace adds cost ~0.1 s each).
    """
    spc = spc.sort_values("period_end")
    x = spc["period_end"]
    y = _y(spc)
    traces = [{"type": "scatter", "x": x, "y": y, "mode": "lines+markers", "name": "Value",
               "line": {"color": GREY, "width": 2}, "marker": {"size": 5, "color": GREY},
               "connectgaps": False, "hovertemplate": "%{y:,.1f}<extra>Value</extra>"}]
    # the limits break where they are worked out again (a rebase), as NHSRplotthedots draws them
    kinds = spc["baseline_kind"] if "baseline_kind" in spc.columns else \
        pd.Series(None, index=spc.index, dtype=object)
    group = kinds.fillna("").str.contains("rebase").cumsum()
    for col, name, dash in (("mean", "Mean", "solid"), ("upl", "Upper process limit", "dash"),
                            ("lpl", "Lower process limit", "dash")):
        if col in spc.columns and spc[col].notna().any():
            for i, part in enumerate(spc.groupby(group, sort=True).groups.values()):
                traces.append({"type": "scatter", "x": x[part], "y": spc.loc[part, col],
                               "mode": "lines", "name": name, "legendgroup": name,
                               "showlegend": i == 0,
                               "line": {"color": INK, "width": 1.2, "dash": dash},
                               "hovertemplate": f"%{{y:,.1f}}<extra>{name}</extra>"})
    types = spc.get("point_type", pd.Series(index=spc.index, dtype=object)).fillna("")
    for prefix, (name, colour, symbol) in SIGNALS.items():
        hit = types.str.startswith(prefix) & y.notna()
        if hit.any():
            traces.append({
                "type": "scatter", "x": x[hit], "y": y[hit], "mode": "markers", "name": name,
                "marker": {"size": 11, "color": colour, "symbol": symbol,
                           "line": {"color": INK, "width": 1}},
                "text": spc.loc[hit, "point_label"],
                "hovertemplate": "%{y:,.1f}: %{text}<extra>" + name + "</extra>"})
    if target is not None and not pd.isna(target) and len(x):
        traces.append(_level(x, target, f"Target {fmt.number(target, unit)}", RED, "dot"))
    traces += _baseline_lines(spc, y)
    if benchmarks is not None and not benchmarks.empty and len(x):
        latest = benchmarks.sort_values("period_label").groupby("geography").tail(1)
        for b, dash in zip(latest.itertuples(), ("dashdot", "longdashdot", "longdash"),
                           strict=False):
            traces.append(_level(x, b.value, f"{b.geography} {fmt.number(b.value, unit)} "
                                             f"({b.period_label})", "#28a197", dash))
    return go.Figure(data=traces, layout=_layout_dict(title, unit))


def _baseline_lines(spc: pd.DataFrame, y: pd.Series) -> list[dict]:
    """A labelled vertical line where limits are fixed (a launch) or worked out again."""
    if "baseline_label" not in spc.columns:
        return []
    marked = spc[spc["baseline_label"].notna()]
    numbers = pd.concat([y, *(pd.to_numeric(spc[c], errors="coerce")
                              for c in ("upl", "lpl") if c in spc.columns)]).dropna()
    if marked.empty or numbers.empty:
        return []
    low, high = float(numbers.min()), float(numbers.max())
    traces = []
    for row in marked.itertuples():
        words = ("limits fixed on the months before" if "fix" in str(row.baseline_kind)
                 else "limits worked out again from here")
        reason = str(row.baseline_reason or "")
        traces.append({
            "type": "scatter", "mode": "lines+text", "x": [row.period_end, row.period_end],
            "y": [low, high], "name": f"{row.baseline_label} ({words})",
            "text": ["", row.baseline_label], "textposition": "top right",
            "line": {"color": "#6f72af", "width": 2, "dash": "dot"},
            "hovertemplate": f"{row.baseline_label}: {reason}<extra></extra>".replace("%", "%%")})
    return traces


def lines(frame: pd.DataFrame, by: str, title: str, unit: str,
          highlight: str | None = "All", highlight_name: str = "Partnership (All)") -> go.Figure:
    """One line per ``by`` group (locality or agency) over time; ``highlight`` drawn thick."""
    groups = list(dict.fromkeys(frame[by]))
    if highlight in groups:  # draw the partnership last so it sits on top
        groups = [g for g in groups if g != highlight] + [highlight]
    symbols = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon"]
    parts = dict(list(frame.groupby(by, sort=False)))
    traces = []
    for i, group in enumerate(groups):
        part = parts[group].sort_values("period_end")
        main = group == highlight
        traces.append({
            "type": "scatter", "x": part["period_end"], "y": _y(part), "mode": "lines+markers",
            "name": highlight_name if main else str(group), "connectgaps": False,
            "line": {"color": INK if main else PALETTE[i % len(PALETTE)],
                     "width": 3.5 if main else 1.8,
                     "dash": "solid" if main or i < len(PALETTE) else "dash"},
            "marker": {"size": 5, "symbol": symbols[i % len(symbols)]},
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


def heatmap(scores: pd.DataFrame, text: pd.DataFrame, title: str) -> go.Figure:
    """Indicators × localities; ``scores`` in −1 (worse than the partnership) … +1 (better)."""
    fig = go.Figure(go.Heatmap(
        z=scores.to_numpy(dtype=float), x=list(scores.columns), y=list(scores.index),
        text=text.to_numpy(), texttemplate="%{text}", textfont={"size": 12}, zmin=-1, zmax=1,
        colorscale=[[0, "#d4351c"], [0.35, "#f6d7d2"], [0.5, "#f3f2f1"], [0.65, "#cce2d8"],
                    [1, "#00703c"]],
        colorbar=dict(title="vs partnership", tickvals=[-1, 0, 1],
                      ticktext=["worse", "similar", "better"]),
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>", xgap=2, ygap=2))
    # the title keeps clear of the place names above the grid (slanted on a tablet): it
    # pushes the margin rather than sitting over them
    fig.update_layout(title=dict(text=title, font=dict(size=16, color=INK), yref="container",
                                 y=1, yanchor="top", pad=dict(t=8)),
                      height=max(360, 34 * len(scores) + 150),
                      margin=dict(l=10, r=10, t=80, b=10), plot_bgcolor="#ffffff",
                      font=dict(family="Arial, Helvetica, sans-serif", color=INK, size=12))
    fig.update_yaxes(autorange="reversed", tickfont=dict(color=INK))
    fig.update_xaxes(side="top", tickfont=dict(color=INK), automargin=True)
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


FUNNEL_COLOURS = {"worse": "#d4351c", "better": "#00703c", "as expected": GREY}


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
    verdict = points["verdict"].fillna("") if "verdict" in points else pd.Series("", points.index)
    for word, symbol in (("worse", "square"), ("better", "diamond"), ("", "circle")):
        hit = verdict.eq(word) if word else ~verdict.isin(["worse", "better"])
        if not hit.any():
            continue
        part = points[hit]
        traces.append({
            "type": "scatter", "mode": "markers+text", "x": part["denominator"],
            "y": _y(part), "text": part["name"], "textposition": "top center",
            "name": {"worse": "Worse (outside 99.8%)", "better": "Better (outside 99.8%)",
                     "": "Other places"}[word],
            "customdata": part["verdict"],
            "marker": {"size": 11, "symbol": symbol,
                       "color": FUNNEL_COLOURS.get(word, PALETTE[0]),
                       "line": {"color": INK, "width": 1}},
            "hovertemplate": "%{text}: %{y:,.1f} of %{x:,.0f} (%{customdata})<extra></extra>"})
    layout = _layout_dict(title, unit)
    layout["xaxis"] = {**AXIS, "title": {"text": "denominator (size)"}}
    layout["legend"] = {**layout["legend"], "y": -0.2}  # below the axis title
    return go.Figure(data=traces, layout=layout)
