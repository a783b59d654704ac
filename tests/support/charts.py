"""Read the pages' server-drawn SVG charts (``dashboard.charts``) back for tests: each
``<figure class="lscp-chart">`` as its kind, title, series names, texts drawn, tooltips and
the svg's accessible label."""

from __future__ import annotations

from html.parser import HTMLParser


class _Charts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.charts: list[dict] = []
        self.stack: list[str] = []
        self.depth = 0  # inside a figure: the depth of its element

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "figure" and "lscp-chart" in (a.get("class") or ""):
            self.charts.append({"kind": a.get("data-kind"), "title": a.get("data-title"),
                                "names": [], "texts": [], "tips": [], "labels": [],
                                "svgs": 0, "attrs": []})
        if self.charts and tag not in ("br", "img", "input", "meta"):
            self.stack.append(tag)
        if not self.charts:
            return
        chart = self.charts[-1]
        chart["attrs"].append((tag, a))
        if tag == "svg" and a.get("role") == "img":
            chart["svgs"] += 1
            chart["labels"].append(a.get("aria-label"))
        if tag == "g" and "lscp-series" in (a.get("class") or "") and "data-name" in a:
            chart["names"].append(a["data-name"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.charts and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data):
        if not self.charts or not self.stack or not data.strip():
            return
        if self.stack[-1] == "text":
            self.charts[-1]["texts"].append(data.strip())
        elif self.stack[-1] == "title" and "svg" in self.stack:
            self.charts[-1]["tips"].append(data.strip())


def parse(html: str) -> list[dict]:
    """Every chart in ``html``, in order."""
    reader = _Charts()
    reader.feed(html)
    return reader.charts


def page_charts(at) -> list[dict]:
    """Every chart an AppTest run drew, in page order."""
    return [c for h in at.get("html") for c in parse(h.proto.body)]
