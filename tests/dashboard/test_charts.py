"""Figure builders, without Streamlit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import charts, chartspec, svg


def _series(n=14, hidden_at=5):
    periods = pd.date_range("2024-01-31", periods=n, freq="ME")
    v = np.linspace(10, 20, n)
    hidden = np.zeros(n, dtype=bool)
    hidden[hidden_at] = True
    v[hidden_at] = np.nan
    types = ["common_cause"] * n
    types[-1] = "special_cause_concern"
    types[0] = "special_cause_improvement"
    return pd.DataFrame({"period_end": periods, "value": v, "hidden": hidden, "mean": 15.0,
                         "lpl": 8.0, "upl": 22.0, "point_type": types,
                         "point_label": ["x"] * n})


def test_xmr_gaps_limits_signals_target_benchmark():
    bench = pd.DataFrame({"geography": ["England"], "period_label": ["2024-25"],
                          "value": [17.0], "source": ["DfE"]})
    fig = charts.xmr(_series(), "T", "percent", target=12.0, benchmarks=bench)
    names = [t.name for t in fig.data]
    assert names[:4] == ["Value", "Mean", "Upper process limit", "Lower process limit"]
    value = fig.data[0]
    assert np.isnan(value.y[5]) and value.connectgaps is False
    concern = next(t for t in fig.data if t.name == "Special cause: concern")
    improvement = next(t for t in fig.data if t.name == "Special cause: improvement")
    assert concern.marker.symbol != improvement.marker.symbol  # shape, not colour alone
    assert "Target 12.0%" in names and "England 17.0% (2024-25)" in names
    target = fig.data[names.index("Target 12.0%")]
    assert list(target.y) == [12.0, 12.0]


def test_lines_put_the_partnership_last_and_thick():
    frame = pd.concat([_series().assign(locality=loc) for loc in ("All", "North", "South")])
    fig = charts.lines(frame, "locality", "T", "rate")
    assert fig.data[-1].name == "Partnership (All)" and fig.data[-1].line.width > 3


def test_bars_label_hidden_cells_c():
    frame = pd.DataFrame({"agency_name": ["A", "B"], "value": [10.0, np.nan],
                          "hidden": [False, True]})
    fig = charts.bars(frame, "agency_name", "T", "percent")
    assert list(fig.data[0].text) == ["10.0%", "c"]


def test_heatmap_shape():
    scores = pd.DataFrame([["better", "worse", None]], index=["Ind"],
                          columns=["North", "South", "East"])
    text = pd.DataFrame([["10.0 better", "30.0 worse", "c"]], index=["Ind"],
                        columns=["North", "South", "East"])
    fig = charts.heatmap(scores, text, "T")
    assert fig.data[0].text.tolist() == [["10.0 better", "30.0 worse", "c"]]
    assert fig.data[0].z.tolist()[0][:2] == [4.0, 0.0] and np.isnan(fig.data[0].z[0][2])


def test_the_heatmap_legend_is_five_discrete_colours():
    scores = pd.DataFrame([charts.CATEGORY_WORDS], index=["Ind"], columns=list("ABCDE"))
    fig = charts.heatmap(scores, scores.fillna(""), "T")
    heat = fig.data[0]
    assert heat.showscale is False  # no continuous colour bar
    # each category one flat colour: the scale steps, never blends
    stops = [tuple(s) for s in heat.colorscale]
    colours = [c for _, c in stops]
    assert len(set(colours)) == 5 and all(colours[i] == colours[i + 1] for i in range(0, 10, 2))
    at = {round(z): c for z, c in zip(heat.z[0], colours[::2], strict=True)}
    assert at == {i: c for i, (_, c, _) in enumerate(charts.CATEGORIES)}
    legend = [(t.name, t.marker.color) for t in fig.data[1:]]
    assert legend == [(w, c) for w, c, _ in charts.CATEGORIES]


def test_funnel_legend_names_each_category_never_other_places():
    points = pd.DataFrame({"name": ["A", "B", "C", "D"], "denominator": [100, 200, 300, 400],
                           "value": [5.0, 9.0, 7.0, 3.0],
                           "verdict": ["worse", "as expected", "possibly better", "lower"]})
    curves = pd.DataFrame({"denominator": [50, 500], "lower_95": [1, 2], "upper_95": [9, 8],
                           "lower_99.8": [0, 1], "upper_99.8": [10, 9]})
    fig = charts.funnel(points, curves, 6.0, "T", "percent")
    names = [t.name for t in fig.data if t.mode == "markers+text"]
    assert names == ["worse", "as expected", "possibly better", "lower"]
    assert "Other places" not in [t.name for t in fig.data]


def test_locality_lines_differ_in_colour_dash_and_marker():
    """Every line apart also in greyscale: no two share a dash and a marker; no two colours
    repeat (the old palette's red and orange were near-identical)."""
    frame = pd.concat([_series().assign(locality=loc) for loc in
                       ["All", *[f"Place {i}" for i in range(9)]]])
    fig = charts.lines(frame, "locality", "T", "rate")
    others = [t for t in fig.data if t.name != "Partnership (All)"]
    styles = [(t.line.dash, t.marker.symbol) for t in others]
    assert len(set(styles)) == len(others) == 9
    assert len({t.line.dash for t in others}) >= 8 and len({t.marker.symbol for t in others}) == 9
    assert len({t.line.color for t in others[:8]}) == 8


def test_svg_sparkline_and_chart_break_at_gaps():
    spark = svg.sparkline([1.0, 2.0, None, 3.0, 4.0], "trend")
    assert spark.count("<polyline") == 2 and 'aria-label="trend"' in spark
    assert "alt=\"trend\"" in svg.as_img(spark, "trend")
    chart = svg.xmr_chart(chartspec.xmr_spec(_series(), "T", "percent"), "chart")
    value = [line for line in chart.split("<polyline")[1:] if 'stroke="#505a5f"' in line]
    assert len(value) == 2 and "<title>chart</title>" in chart
    assert "<rect" in chart  # the concern point is a square


def test_svg_chart_draws_common_points_as_one_path_and_signals_in_their_shapes():
    """The print chart's common-cause points are one path of dots (the PDF pack draws dozens
    of charts), one dot per shown month; hidden months are no dot; signals keep their shape."""
    import re

    chart = svg.xmr_chart(chartspec.xmr_spec(_series(), "T", "percent"), "chart")
    dots = re.findall(r'<path d="(M[^"]*)" fill="#505a5f"/>', chart)
    assert len(dots) == 1
    centres = [(round(float(x) + 2.2, 1), float(y))
               for x, y in re.findall(r"M([\d.]+),([\d.]+)a2\.2", dots[0])]
    assert len(centres) == 14 - 1 - 2  # 14 months, one hidden, two special causes
    assert len(set(centres)) == len(centres)
    assert 'r="2.2"' not in chart  # no circle per common point
    assert 'r="4.5"' in chart and 'height="8"' in chart  # improvement circle, concern square
