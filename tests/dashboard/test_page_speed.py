"""What keeps pages quick: chart pages start loading the chart code as they open (and the
registry says which pages those are), and results shared by every session stay as read."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st

from dashboard import data, pages, ui
from tests.dashboard.conftest import open_page


def _early_import(at) -> bool:
    """Does the sidebar's script import Streamlit's Plotly code?"""
    return any("PlotlyChart." in str(getattr(h.proto, "body", "")) and "import(" in
               str(getattr(h.proto, "body", "")) for h in at.sidebar.get("html"))


def test_the_plotly_code_the_pages_import_early_is_streamlits_own():
    name = ui.plotly_chunk()
    assert name and name.startswith("PlotlyChart.") and name.endswith(".js")
    assert (Path(st.__file__).parent / "static" / "static" / "js" / name).is_file()


@pytest.mark.parametrize("page", pages.PAGES, ids=lambda p: p.url_path or "scorecard")
def test_a_page_imports_the_chart_code_early_exactly_when_it_draws_charts(
        app, use_db, fake_db_path, page):
    use_db(fake_db_path, "analyst")
    at = open_page(app, page.script)
    draws = bool(at.get("plotly_chart"))
    assert page.charts == draws, f"{page.file}: pages.py says charts={page.charts}"
    assert _early_import(at) == page.charts


def test_a_shared_result_is_not_changed_by_the_page_that_read_it(use_db, fake_db_path):
    use_db(fake_db_path, "analyst")
    first = data.catalogue()
    first.loc[:, "title"] = "changed by a reader"
    assert "changed by a reader" not in set(data.catalogue()["title"])
    spc = data.spc("analyst")
    spc.loc[:, "value"] = -1.0
    assert (data.spc("analyst")["value"].dropna() != -1.0).any()


def test_the_localities_grid_is_worked_out_without_streamlit_and_shared_as_a_copy(
        use_db, fake_db_path):
    from dashboard import locality_grid

    use_db(fake_db_path, "analyst")
    month = data.periods("monthly")[0]
    g = locality_grid.grid("analyst", month, None, False)
    assert not g.m.empty and not g.m["place"].map(data.is_unknown).any()
    base = g.cells[g.is_base].set_index("indicator_id")["value"]
    assert (g.m["base"] == g.m["indicator_id"].map(base)).all()  # each against the partnership
    assert set(g.m.loc[~g.comparable, "category"].dropna()) == set()  # not judged: no colour
    g.m.loc[:, "word"] = "changed by a reader"
    assert "changed by a reader" not in set(locality_grid.grid("analyst", month, None,
                                                               False).m["word"])
