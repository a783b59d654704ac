"""Read the pages' server-drawn SVG charts (``dashboard.charts``) back for tests: each
``<figure class="lscp-chart">`` as its kind, title, series names (``names``; ``series``:
name -> its texts and tooltips), texts drawn, tooltips and the svgs' accessible labels."""

from __future__ import annotations

from html.parser import HTMLParser


class _Charts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.charts: list[dict] = []
        self.stack: list[str] = []
        self.groups: list[str | None] = []  # the series of each open <g>

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "figure" and "lscp-chart" in (a.get("class") or ""):
            self.charts.append({"kind": a.get("data-kind"), "title": a.get("data-title"),
                                "names": [], "texts": [], "tips": [], "labels": [],
                                "svgs": 0, "attrs": [], "series": {}, "legend": []})
        if self.charts and tag not in ("br", "img", "input", "meta"):
            self.stack.append(tag)
        if not self.charts:
            return
        chart = self.charts[-1]
        chart["attrs"].append((tag, a))
        if tag == "svg" and a.get("role") == "img":
            chart["svgs"] += 1
            chart["labels"].append(a.get("aria-label"))
        if tag == "g":
            name = a.get("data-name") if "lscp-series" in (a.get("class") or "") else None
            if "lscp-legend" in (a.get("class") or ""):
                name = "\0legend"
                chart["series"][name] = {"texts": chart["legend"], "tips": []}
            if name is not None and name != "\0legend":
                chart["names"].append(name)
                chart["series"][name] = {"texts": [], "tips": []}
            self.groups.append(name)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.charts and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag == "g" and self.groups:
            self.groups.pop()
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data):
        if not self.charts or not self.stack or not data.strip():
            return
        series = next((g for g in reversed(self.groups) if g is not None), None)
        into = self.charts[-1]["series"].get(series) if series is not None else None
        if self.stack[-1] == "text":
            self.charts[-1]["texts"].append(data.strip())
            if into is not None:
                into["texts"].append(data.strip())
        elif self.stack[-1] == "title" and "svg" in self.stack:
            self.charts[-1]["tips"].append(data.strip())
            if into is not None:
                into["tips"].append(data.strip())


def parse(html: str) -> list[dict]:
    """Every chart in ``html``, in order."""
    reader = _Charts()
    reader.feed(html)
    return reader.charts


def page_charts(at) -> list[dict]:
    """Every chart an AppTest run drew (``ui.chart``: Markdown with HTML), in page order."""
    return [c for m in at.markdown if "lscp-chart" in m.value for c in parse(m.value)]


def heatmap_places(chart: dict) -> list[str]:
    """A heat map's columns, in order (from its first row's cell tooltips:
    "<indicator>, <place>: <figure>")."""
    row = chart["names"][0]
    return [tip[len(row) + 2:].rsplit(": ", 1)[0] for tip in chart["series"][row]["tips"]]


def funnel_places(chart: dict) -> set[str]:
    """The places a funnel plot draws as points (each point's tooltip:
    "<place>: <value> of <size> (<category>)")."""
    return {tip.rsplit(": ", 1)[0] for name in chart["names"]
            for tip in chart["series"][name]["tips"]}


def lines_and_legend(chart: dict) -> list[str]:
    """Everything a chart names: its series, then its legend's words."""
    return chart["names"] + chart["legend"]
