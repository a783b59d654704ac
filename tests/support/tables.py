"""Read the pages' tables back for tests: the grids (``st.dataframe``) and the plain HTML
tables (``ui.static_table``, ``st.html``: cells as the reader sees them, text)."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[pd.DataFrame] = []
        self.inside = False
        self.head: list[str] = []
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.inside, self.head, self.rows = True, [], []
        elif self.inside and tag == "tr":
            self.row = []
        elif self.inside and tag in ("td", "th"):
            self.cell = []
        elif self.cell is not None and tag == "br":
            self.cell.append("\n")

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append("".join(self.cell))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if not self.head:
                self.head = self.row
            else:
                self.rows.append(self.row)
            self.row = None
        elif tag == "table":
            self.tables.append(pd.DataFrame(self.rows, columns=self.head, dtype=object))
            self.inside = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def html_tables(html: str) -> list[pd.DataFrame]:
    reader = _Tables()
    reader.feed(html)
    return reader.tables


def open_tables(at):
    """Open every table still collapsed behind its expander (``ui.lazy_table``: drawn only
    once opened, as a reader clicking "View as table") and run the page again; returns
    ``at``."""
    from dashboard.ui import LAZY_PREFIX

    closed = [e.proto.id.split("-", 2)[2] for e in at.expander
              if e.proto.id.count("-") >= 2 and e.proto.id.split("-", 2)[2].startswith(LAZY_PREFIX)
              and not e.proto.expanded]
    if closed:
        for key in closed:
            at.session_state[key] = True
        at.run()
    return at


def page_tables(at) -> list[pd.DataFrame]:
    """Every table an AppTest run shows, those behind "View as table" opened: the grids,
    then the plain HTML tables."""
    open_tables(at)
    return [d.value for d in at.dataframe] + [
        t for m in static_tables(at) for t in html_tables(m)]


def static_tables(at) -> list[str]:
    """The HTML of every plain table (``ui.static_table``: an ``st.html`` element)."""
    return [h.proto.body for h in at.get("html") if "lscp-static-table" in h.proto.body]
