"""A restricted viewer cannot get an unsuppressed figure from any page, chart or download.

The poisoned fake database gives every suppressed cell sentinel figures (42401,
42402, 42403.xx) that occur nowhere else; we visit every page and widget path
as a viewer and scan everything Streamlit would send to the browser: element
protos, tables, plotly specs (decoded), HTML (with embedded images decoded; the pages'
SVG charts: texts, tooltips and labels) and
every download's bytes. The same scan as an analyst must find them, so the scan
itself is shown to work.
"""

from __future__ import annotations

import base64
import re

import pandas as pd
import pytest
import streamlit as st

from dashboard import boardpack, data
from tests.dashboard import fake_db
from tests.dashboard.conftest import open_page

SENTINEL = re.compile(r"4\s?2,?\s?40[123]")
IMG = re.compile(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)")


def _decode_images(text: str) -> str:
    return IMG.sub(lambda m: base64.b64decode(m.group(1)).decode("utf-8", "replace"), text)


def _walk(node):
    children = getattr(node, "children", None)
    if children:
        for child in children.values():
            yield from _walk(child)
    elif hasattr(node, "proto"):
        yield node


class Scanner:
    def __init__(self):
        self.found: list[str] = []
        self.payloads: list[tuple[str, bytes]] = []

    def text(self, where: str, text: str) -> None:
        text = _decode_images(text)
        if SENTINEL.search(text):
            self.found.append(f"{where}: …{text[max(0, SENTINEL.search(text).start() - 60):][:120]}")

    def app(self, where: str, at) -> None:
        for el in _walk(at._tree):
            if el.type == "dataframe":
                self.text(f"{where} table", el.value.to_csv(index=False))
            elif el.type == "plotly_chart":  # the pages draw SVG; a plotly chart is unscanned
                self.found.append(f"{where}: a plotly chart, which this scan does not read")
            elif el.type == "markdown" and "lscp-chart" in el.proto.body:
                # a server-drawn SVG chart: its texts, tooltips and labels
                self.text(f"{where} (svg chart)", el.proto.body)
            else:
                self.text(f"{where} {el.type}", str(el.proto))
        for label, payload in self.payloads:
            self.text(f"{where} download {label!r}", payload.decode("utf-8", "replace"))
        self.payloads.clear()


@pytest.fixture
def scanner(monkeypatch):
    scan = Scanner()
    real = st.download_button

    def recording(label, data=None, *args, **kwargs):
        payload = data() if callable(data) else data
        scan.payloads.append((label, payload if isinstance(payload, bytes)
                              else str(payload).encode("utf-8")))
        return real(label, payload, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    return scan


def _visit_everything(app, scan: Scanner) -> None:
    at = app.run()
    scan.app("scorecard", at)
    strategies = at.selectbox(key="sc_strategy").options
    for strategy in strategies[1:]:
        at.selectbox(key="sc_strategy").set_value(strategy).run()
        scan.app(f"scorecard {strategy}", at)
    at = open_page(at, "views/explorer.py")
    for indicator in [i for i, *_ in fake_db.CATALOGUE]:
        at.selectbox(key="ex_indicator").set_value(indicator).run()
        assert not at.exception
        scan.app(f"explorer {indicator}", at)
        if indicator == "cp_repeat":  # every "Who" breakdown, not only the first shown
            for dimension in ("sex", "ethnicity", "disability"):
                at.radio(key="who_dimension").set_value(dimension).run()
                scan.app(f"explorer {indicator} who {dimension}", at)
    at = open_page(at, "views/localities.py")
    scan.app("localities", at)
    at = open_page(at, "views/agency.py")
    for code, *_ in fake_db.AGENCIES:
        at.selectbox(key="ag_agency").set_value(code).run()
        scan.app(f"agency {code}", at)
    for page in ("views/strategies.py", "views/data_quality.py", "views/about.py"):
        at = open_page(at, page)
        scan.app(page, at)


def test_viewer_never_sees_a_suppressed_figure(app, use_db, poisoned_db_path, scanner):
    use_db(poisoned_db_path, "viewer")
    _visit_everything(app, scanner)
    assert scanner.found == []


def test_the_scan_finds_them_for_an_analyst(app, use_db, poisoned_db_path, scanner):
    use_db(poisoned_db_path, "analyst")
    _visit_everything(app, scanner)
    places = " ".join(scanner.found)
    assert "explorer" in places and "download" in places and "chart" in places


def test_values_hides_suppressed_cells_for_viewers(use_db, poisoned_db_path):
    use_db(poisoned_db_path, "viewer")
    viewer = data.values("viewer")
    hidden = viewer[viewer["suppressed"]]
    assert len(hidden) > 0 and hidden["hidden"].all()
    assert hidden[["numerator", "denominator", "value"]].isna().all().all()
    analyst = data.values("analyst")
    assert (analyst.loc[analyst["suppressed"], "numerator"] == fake_db.SENTINEL_NUM).all()
    assert not analyst["hidden"].any()


def test_spc_hides_a_suppressed_partnership_point(use_db, poisoned_db_path):
    use_db(poisoned_db_path, "viewer")
    spc = data.spc("viewer", "cin_to_cp_neglect")
    # a flow with a hidden month is judged on quarters for a viewer (issue 22): every one
    # of its months is hidden from them, so no quarter is a shown month's complement
    assert spc["hidden"].all() and spc["value"].isna().all()
    assert spc["point_label"].isna().all()
    assert not data.spc("analyst", "cin_to_cp_neglect")["hidden"].any()
    quarters = data.spc_quarterly("viewer", "cin_to_cp_neglect")
    assert len(quarters) and quarters["value"].max() < 42000


def test_board_pack_for_a_viewer(use_db, poisoned_db_path):
    use_db(poisoned_db_path, "viewer")
    pack = boardpack.build("viewer", None, pd.Timestamp("2025-09-30"))
    assert not SENTINEL.search(_decode_images(pack))
    assert ">c<" in pack
    # self-contained: nothing fetched from anywhere (the SVG namespace is a name, not a fetch;
    # url(#...) points inside the document, at a chart's own clip path)
    outbound = re.findall(r'(?:src|href)\s*=\s*["\']?https?:|<script|<link|@import|url\((?!#)', pack,
                          re.IGNORECASE)
    assert outbound == []
    analyst_pack = boardpack.build("analyst", None, pd.Timestamp("2025-09-30"))
    assert SENTINEL.search(analyst_pack)


def test_spc_mean_cannot_reveal_a_hidden_month(use_db, poisoned_db_path):
    """mean × n − the visible months would give the hidden one back: recomputed for viewers
    (a flow with a hidden month shows the viewer none of its months: no mean at all)."""
    use_db(poisoned_db_path, "viewer")
    spc = data.spc("viewer", "cin_to_cp_neglect")
    assert spc["mean"].isna().all() and spc["upl"].isna().all()
    analyst = data.spc("analyst", "cin_to_cp_neglect")
    assert analyst["value"].max() > 1000  # the analyst sees the (sentinel) hidden month
    # the viewer's chart keeps the published baselines (the strategy launch fixes the limits)
    assert analyst["baseline_label"].notna().any()
    assert spc["baseline_label"].tolist() == analyst["baseline_label"].tolist()
    other = data.spc("viewer", "rereferral")  # nothing hidden: published limits as they are
    assert other["mean"].equals(data.spc("analyst", "rereferral")["mean"])
