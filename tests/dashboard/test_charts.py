"""Figure builders, without Streamlit."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from dashboard import charts, chartspec, svg
from tests.support.charts import parse


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
    html = charts.xmr(_series(), "T", "percent", target=12.0, benchmarks=bench)
    chart = parse(html)[0]
    assert chart["kind"] == "xmr" and chart["title"] == "T" and chart["svgs"] == 1
    legend = chart["texts"]
    assert legend.index("Value") < legend.index("Mean") < legend.index("Process limits")
    assert "Target 12.0%" in legend and "England 17.0% (2024-25)" in legend
    assert {"Special cause: improvement", "Special cause: concern"} <= set(legend)
    # the hidden month is a gap (two runs of the value line) and has no tooltip
    value = [line for line in html.split("<polyline")[1:] if 'stroke="#505a5f"' in line]
    assert len(value) == 2
    months = [t.split(":")[0] for t in chart["tips"][1:]]
    assert "Jun 2024" not in months and len(months) == 13
    assert "Jan 2024: 10.0%" in chart["tips"]
    # concern a square, improvement a circle: shape, not colour alone
    assert 'fill="#f47738"' in html and "<rect" in html.split('fill="#f47738"')[0][-120:]
    assert "XmR chart of 14 months, 2 special-cause points" in chart["labels"][0]


def test_charts_load_no_plotly():
    """The pages' charts are SVG: drawing them imports no plotly (4.7 MB in the browser)."""
    import subprocess
    import sys

    code = ("import sys, pandas as pd; from dashboard import charts; "
            "print('plotly' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_lines_put_the_partnership_last_and_thick():
    frame = pd.concat([_series().assign(locality=loc) for loc in ("All", "North", "South")])
    html = charts.lines(frame, "locality", "T", "rate")
    chart = parse(html)[0]
    assert chart["names"] == ["North", "South", "Partnership (All)"]
    last = html.split('data-name="Partnership (All)"')[1]
    assert 'stroke-width="3.5"' in last.split("</g>")[0]
    assert "North, Jan 2024: 10.0 per 10,000" in chart["tips"]


def test_bars_label_hidden_cells_c():
    frame = pd.DataFrame({"agency_name": ["A", "B"], "value": [10.0, np.nan],
                          "hidden": [False, True]})
    html = charts.bars(frame, "agency_name", "T", "percent")
    chart = parse(html)[0]
    assert chart["names"] == ["A", "B"]
    assert "10.0%" in chart["texts"] and "c" in chart["texts"]
    b = html.split('data-name="B"')[1].split("</g>")[0]
    assert "<rect" not in b  # a hidden cell is no bar
    assert "<rect" in html.split('data-name="A"')[1].split("</g>")[0]


def test_heatmap_shape():
    scores = pd.DataFrame([["better", "worse", None]], index=["Ind"],
                          columns=["North", "South", "East"])
    text = pd.DataFrame([["10.0 better", "30.0 worse", "c"]], index=["Ind"],
                        columns=["North", "South", "East"])
    html = charts.heatmap(scores, text, "T")
    chart = parse(html)[0]
    assert chart["names"] == ["Ind"]
    cells = [t for t in chart["texts"] if t in ("10.0 better", "30.0 worse", "c")]
    assert cells == ["10.0 better", "30.0 worse", "c"]
    row = html.split('data-name="Ind"')[1].split("</g>")[0]
    fills = re.findall(r'<rect [^>]*fill="(#[0-9a-f]{6})"', row)
    assert fills == ["#3fa66b", "#d4351c", "#ffffff"]  # better, worse, not compared


def test_the_heatmap_legend_is_five_discrete_colours():
    scores = pd.DataFrame([charts.CATEGORY_WORDS], index=["Ind"], columns=list("ABCDE"))
    html = charts.heatmap(scores, scores.fillna(""), "T")
    row = html.split('data-name="Ind"')[1].split("</g>")[0]
    fills = re.findall(r'<rect [^>]*fill="(#[0-9a-f]{6})"', row)
    assert fills == [c for _, c, _ in charts.CATEGORIES]  # each category one flat colour
    legend = html.split('<g class="lscp-legend">')[1].split("</g>")[0]
    swatches = re.findall(r'<rect [^>]*fill="(#[0-9a-f]{6})"', legend)
    words = parse(html)[0]["legend"]
    assert list(zip(words, swatches, strict=True)) == [(w, c) for w, c, _ in charts.CATEGORIES]


def test_funnel_legend_names_each_category_never_other_places():
    points = pd.DataFrame({"name": ["A", "B", "C", "D"], "denominator": [100, 200, 300, 400],
                           "value": [5.0, 9.0, 7.0, 3.0],
                           "verdict": ["worse", "as expected", "possibly better", "lower"]})
    curves = pd.DataFrame({"denominator": [50, 500], "lower_95": [1, 2], "upper_95": [9, 8],
                           "lower_99.8": [0, 1], "upper_99.8": [10, 9]})
    chart = parse(charts.funnel(points, curves, 6.0, "T", "percent"))[0]
    assert chart["names"] == ["worse", "as expected", "possibly better", "lower"]
    assert "Other places" not in chart["texts"]
    assert "A: 5.0% of 100 (worse)" in chart["tips"]


def test_funnel_names_never_overlap():
    """Crowded places keep their names in tooltips rather than print over each other."""
    points = pd.DataFrame({"name": [f"Place number {i}" for i in range(12)],
                           "denominator": [1000 + i for i in range(12)],
                           "value": [5.0 + i * 0.01 for i in range(12)],
                           "verdict": ["as expected"] * 12})
    curves = pd.DataFrame({"denominator": [50, 2000], "lower_95": [1, 4], "upper_95": [9, 6],
                           "lower_99.8": [0, 3], "upper_99.8": [10, 7]})
    html = charts.funnel(points, curves, 5.0, "T", "percent")
    boxes = []
    for x, y, text in re.findall(r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="start"[^>]*>'
                                 r"(Place number \d+)</text>", html):
        w = chartspec.text_width(text)
        boxes.append((float(x), float(y) - 11, float(x) + w, float(y)))
    assert 1 <= len(boxes) < 12
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    assert len([t for t in parse(html)[0]["tips"] if t.startswith("Place number")]) == 12


def test_locality_lines_differ_in_colour_dash_and_marker():
    """Every line apart also in greyscale: no two share a dash and a marker; no two colours
    repeat (the old palette's red and orange were near-identical)."""
    frame = pd.concat([_series().assign(locality=loc) for loc in
                       ["All", *[f"Place {i}" for i in range(9)]]])
    html = charts.lines(frame, "locality", "T", "rate")
    styles = []
    for part in html.split('<g class="lscp-series"')[1:]:
        if 'data-name="Partnership (All)"' in part:
            continue
        body = part.split("</g>")[0]
        colour = re.search(r'<polyline [^>]*stroke="(#[0-9a-f]{6})"', body).group(1)
        dash = re.search(r'<polyline [^>]*stroke-dasharray="([^"]*)"', body).group(1)
        marker = re.search(r'data-marker="([^"]+)"', body).group(1)
        # the marker drawn: its element and the commands of its path
        drawn = re.search(r'<(circle|rect|path)( d="([^"]*)")?[^>]*><title>', body)
        shape = drawn.group(1) + re.sub(r"[-\d.,]", "", drawn.group(3) or "")
        styles.append((colour, dash, marker, shape))
    assert len(styles) == 9
    assert len({(d, m) for _, d, m, _ in styles}) == 9
    assert len({d for _, d, _, _ in styles}) >= 8 and len({m for _, _, m, _ in styles}) == 9
    assert len({s for *_, s in styles}) >= 6  # circle, square, paths of 3, 4, 5, 6 sides...
    assert len({c for c, *_ in styles[:8]}) == 8


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
    dots = re.findall(r'<path d="(M[^"]*)" fill="none" stroke="#505a5f" stroke-width="4.4" '
                      r'stroke-linecap="round"/>', chart)
    assert len(dots) == 1
    centres = [(float(x), float(y)) for x, y in re.findall(r"M([\d.]+),([\d.]+)h0", dots[0])]
    assert len(centres) == 14 - 1 - 2  # 14 months, one hidden, two special causes
    assert len(set(centres)) == len(centres)
    assert 'r="2.2"' not in chart  # no circle per common point
    assert 'r="4.5"' in chart and 'height="8"' in chart  # improvement circle, concern square


def test_svg_level_stretches_of_a_line_are_drawn_from_their_ends():
    """A mean or limit level for months is one segment (the same line, fewer points to
    print); a point where the line bends is kept, and so is each end."""
    from dashboard.svg import _path

    assert _path([(0, 5.0), (1, 5.0), (2, 5.0), (3, 5.0)]) == "0.0,5.0 3.0,5.0"
    assert _path([(0, 5.0), (1, 5.0), (2, 6.0), (3, 6.0), (4, 6.0), (5, 5.0)]) == (
        "0.0,5.0 1.0,5.0 2.0,6.0 4.0,6.0 5.0,5.0")
    assert _path([(0, 1.0), (1, 2.0), (2, 3.0)]) == "0.0,1.0 1.0,2.0 2.0,3.0"
    assert _path([(7, 1.0)]) == "7.0,1.0"
    chart = svg.xmr_chart(chartspec.xmr_spec(_series(), "T", "percent"), "chart")
    mean = [p for p in re.findall(r'<polyline points="([^"]*)"[^>]*stroke-dasharray=""', chart)]
    assert mean and all(len(p.split()) == 2 for p in mean)
