"""One XmR chart for the pages and the pack (dashboard/chartspec.py): launch and rebase
markers, the unit on the y axis, nice ticks, and text that never overlaps in the pack's SVG
(boxes from Helvetica's own character widths, and from chromium's layout)."""

from __future__ import annotations

import math
import re
import shutil
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from dashboard import charts, chartspec, svg
from tests.support.charts import parse as parse_charts

# Helvetica / Arial advance widths (per 1,000 em) from the Adobe AFM: an estimate of a text's
# width that is independent of the builder's own
AFM = {" ": 278, "%": 889, "(": 333, ")": 333, "+": 584, ",": 278, "-": 333, ".": 278,
       ":": 278, ";": 278, "'": 191, "/": 278, "&": 667, "—": 1000,
       **dict.fromkeys("0123456789", 556),
       **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                  [667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
                   667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611], strict=True)),
       **dict(zip("abcdefghijklmnopqrstuvwxyz",
                  [556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
                   556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500], strict=True))}


def _afm_width(text: str, size: float) -> float:
    return sum(AFM.get(c, 1000) for c in text) / 1000 * size


def _boxes(svg_text: str) -> list[tuple[str, float, float, float, float]]:
    """(text, x0, y0, x1, y1) of every <text>, from its anchor, font size and AFM width."""
    root = ET.fromstring(svg_text)
    out = []
    for t in root.iter("{http://www.w3.org/2000/svg}text"):
        words = "".join(t.itertext())
        size = float(t.get("font-size"))
        x, y = float(t.get("x")), float(t.get("y"))
        w = _afm_width(words, size)
        x0 = {"start": x, "middle": x - w / 2, "end": x - w}[t.get("text-anchor", "start")]
        box = (x0, y - 0.8 * size, x0 + w, y + 0.25 * size)
        turn = re.match(r"rotate\(-90 ([\d.]+) ([\d.]+)\)", t.get("transform") or "")
        if turn:  # turned about (cx, cy): the box's width becomes its height
            cx, cy = float(turn[1]), float(turn[2])
            box = (cx - (y - box[1]), cy - (box[2] - cx), cx + (box[3] - y), cy + (cx - box[0]))
        out.append((words, *box))
    return out


def _overlaps(boxes):
    return [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]]


def _series(n: int, lo: float = 14.9, hi: float = 19.1, end: str = "2026-11-30",
            markers: dict[int, tuple[str, str]] | None = None) -> pd.DataFrame:
    periods = pd.date_range(end=end, periods=n, freq="ME")
    v = np.linspace(lo, hi, n)
    v[n // 3] = np.nan
    kinds, labels = [None] * n, [None] * n
    for at, (kind, label) in (markers or {}).items():
        kinds[at], labels[at] = kind, label
    return pd.DataFrame({
        "period_end": periods, "value": v, "hidden": np.isnan(v), "mean": (lo + hi) / 2,
        "lpl": lo - 1, "upl": hi + 1,
        "point_type": ["common_cause"] * (n - 1) + ["special_cause_concern"],
        "point_label": ["Above UCL"] * n, "baseline_kind": kinds, "baseline_label": labels,
        "baseline_reason": ["a known change"] * n})


def test_the_packs_old_ticks_become_nice_ones():
    assert chartspec.nice_ticks(14.9, 19.1) == [14, 16, 18, 20]  # not 14.9 / 17.0 / 19.1
    spec = chartspec.xmr_spec(_series(24), "T", "percent")
    assert spec.y_tick_text[:2] == ["12%", "14%"] and spec.axis_title == "Per cent"


@pytest.mark.parametrize("lo, hi", [(0.0, 1.0), (14.9, 19.1), (0.03, 0.07), (120, 2430),
                                    (-3.1, 22.0), (5.0, 5.0), (99.2, 100.0), (0, 35000)])
def test_nice_ticks_cover_the_range_with_a_round_step(lo, hi):
    ticks = chartspec.nice_ticks(lo, hi)
    assert ticks[0] <= lo and ticks[-1] >= hi and 2 <= len(ticks) <= 6
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1
    step = steps.pop()
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1, 2, 2.5, 5)


def test_the_web_and_the_pack_draw_the_same_spec():
    frame = _series(36, markers={20: ("fix", "Strategy launched"), 30: ("rebase", "New door")})
    spec = chartspec.xmr_spec(frame, "T", "rate", target=15.0)
    # the page draws the pack's SVG of the one spec: the same texts, in the same places
    page = charts.xmr(frame, "T", "rate", target=15.0)
    on_page = parse_charts(page)[0]
    assert on_page["kind"] == "xmr" and on_page["texts"] == [
        b[0] for b in _boxes(svg.xmr_chart(spec, "chart"))]
    assert any(t.startswith("Strategy launched: ") for t in on_page["tips"])
    assert any(t.startswith(chartspec.month_label(spec.x[-1]) + ": ") for t in on_page["tips"])
    drawn = svg.xmr_chart(spec, "chart")
    texts = [b[0] for b in _boxes(drawn)]
    assert [t for t in texts if t in spec.y_tick_text] == spec.y_tick_text
    assert [t for t in texts if t in spec.x_tick_text] == spec.x_tick_text
    assert "Rate per 10,000 children" in texts
    assert "Strategy launched" in texts and "New door" in texts
    assert "Launch: limits fixed on the months before" in texts
    assert "Rebase: limits worked out again" in texts
    # the launch line and the rebase line are drawn, dotted and dash-dotted
    assert drawn.count('stroke="#6f72af"') >= 2


def test_the_latest_month_is_always_labelled_and_labels_are_evenly_spaced():
    for n in (2, 7, 13, 24, 40, 61, 120):
        spec = chartspec.xmr_spec(_series(n), "T", "percent")
        assert spec.x_ticks[-1] == n - 1
        gaps = {b - a for a, b in zip(spec.x_ticks, spec.x_ticks[1:], strict=False)}
        assert len(gaps) <= 1


@pytest.mark.parametrize("n", [2, 5, 12, 13, 18, 24, 30, 36, 48, 60, 84, 120])
@pytest.mark.parametrize("markers", [
    {}, {0: ("fix", "Strategy launched")},
    {5: ("fix", "Neglect strategy launched"), 6: ("rebase", "New front door opened")},
    {-1: ("rebase", "A change in the last month, with a long name")}])
def test_no_text_in_the_pack_chart_overlaps_another(n, markers):
    marks = {(k if k >= 0 else n - 1): v for k, v in markers.items() if (k if k >= 0 else n - 1) < n}
    bench = pd.DataFrame({"geography": ["England", "North West", "Statistical neighbours"],
                          "period_label": ["2024-25"] * 3, "value": [16.0, 17.2, 15.1],
                          "source": ["DfE"] * 3})
    spec = chartspec.xmr_spec(_series(n, markers=marks), "T", "percent", target=15.0,
                              benchmarks=bench)
    drawn = svg.xmr_chart(spec, "chart")
    boxes = _boxes(drawn)
    assert _overlaps(boxes) == []
    width, height = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"',
                                                  drawn).groups())
    outside = [b[0] for b in boxes if b[1] < 0 or b[2] < 0 or b[3] > width or b[4] > height]
    assert outside == []


@pytest.mark.skipif(not shutil.which("chromium"), reason="needs Debian chromium")
def test_no_text_overlaps_as_chromium_lays_it_out(tmp_path):
    """The same check on the boxes chromium measures (getBBox), for a long monthly series
    with the two markers a month apart: "Oct 2026" and "Nov 2026" never print on each other."""
    from playwright.sync_api import sync_playwright

    spec = chartspec.xmr_spec(_series(61, markers={40: ("fix", "Strategy launched"),
                                                   41: ("rebase", "New front door")}),
                              "T", "percent", target=15.0)
    page_file = tmp_path / "chart.html"
    page_file.write_text(f"<!DOCTYPE html><html><body>{svg.xmr_chart(spec, 'chart')}"
                         "</body></html>", encoding="utf-8")
    def measure() -> list:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                        args=["--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page(viewport={"width": 1000, "height": 600})
                page.goto(page_file.as_uri())
                return page.evaluate("""() => [...document.querySelectorAll('svg text')].map(
                    t => { const r = t.getBoundingClientRect();
                           return [t.textContent, r.left, r.top, r.right, r.bottom]; })""")
            finally:
                browser.close()

    # a thread of its own: the browser tests' shared Chromium (a session fixture) may be
    # running Playwright's event loop on this worker's main thread
    with ThreadPoolExecutor(1) as pool:
        boxes = pool.submit(measure).result()
    assert len(boxes) > 10
    assert _overlaps([tuple(b) for b in boxes]) == []


def test_a_share_never_gets_a_negative_axis_and_a_limit_below_0_stops_at_it():
    frame = _series(24, lo=0.0, hi=12.0).assign(lpl=-9.5, upl=25.0)
    spec = chartspec.xmr_spec(frame, "T", "percent")
    assert spec.y_ticks[0] == 0 and spec.y_tick_text[0] == "0%"
    for drawn in (svg.xmr_chart(spec, "chart"), charts.xmr(frame, "T", "percent")):  # pack, page
        limits = [p for p in re.findall(r"<polyline[^>]*>", drawn)
                  if 'stroke-dasharray="5 3"' in p]
        assert limits and all('clip-path="url(#lscp-plot-' in p for p in limits)
        assert "-10%" not in drawn and "-5%" not in drawn
