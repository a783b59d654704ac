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
    scores = pd.DataFrame([[1.0, -1.0]], index=["Ind"], columns=["North", "South"])
    text = pd.DataFrame([["10.0 better", "30.0 worse"]], index=["Ind"],
                        columns=["North", "South"])
    fig = charts.heatmap(scores, text, "T")
    assert fig.data[0].text.tolist() == [["10.0 better", "30.0 worse"]]


def test_svg_sparkline_and_chart_break_at_gaps():
    spark = svg.sparkline([1.0, 2.0, None, 3.0, 4.0], "trend")
    assert spark.count("<polyline") == 2 and 'aria-label="trend"' in spark
    assert "alt=\"trend\"" in svg.as_img(spark, "trend")
    chart = svg.xmr_chart(chartspec.xmr_spec(_series(), "T", "percent"), "chart")
    value = [line for line in chart.split("<polyline")[1:] if 'stroke="#505a5f"' in line]
    assert len(value) == 2 and "<title>chart</title>" in chart
    assert "<rect" in chart  # the concern point is a square
