"""What keeps pages quick: no page loads Plotly's code (the charts are SVG drawn on the
server), and results shared by every session stay as read."""

from __future__ import annotations

import pytest

from dashboard import data, pages
from tests.dashboard.conftest import open_page
from tests.support.charts import page_charts
from tests.support.tables import static_tables


def _early_import(at) -> bool:
    """Does any HTML the page sends name Streamlit's Plotly code?"""
    return any("PlotlyChart." in str(getattr(h.proto, "body", ""))
               for h in [*at.sidebar.get("html"), *at.get("html")])


CHART_PAGES = {"explorer.py", "localities.py", "agency.py"}  # draw charts as they open


@pytest.mark.parametrize("page", pages.PAGES, ids=lambda p: p.url_path or "scorecard")
def test_no_page_loads_plotly_its_charts_are_svg_drawn_on_the_server(
        app, use_db, fake_db_path, page):
    """Plotly's 4.7 MB of code took most of a chart page's first load in a new tab: the
    pages draw their charts as SVG on the server, and no page fetches Plotly's code."""
    use_db(fake_db_path, "analyst")
    at = open_page(app, page.script)
    assert not at.get("plotly_chart")
    assert not _early_import(at)
    drawn = page_charts(at)
    assert bool(drawn) == (page.file in CHART_PAGES), page.file
    for chart in drawn:  # every chart says what it shows to a screen reader
        assert chart["svgs"] >= 1 and all(chart["labels"]) and chart["title"]


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


def test_a_table_behind_view_as_table_is_drawn_only_when_opened(app, use_db, fake_db_path):
    """A first load draws the charts, not every table behind them: a closed "View as table"
    sends nothing; opened, it shows the chart's table (a reader loses nothing)."""
    from dashboard.ui import LAZY_PREFIX

    use_db(fake_db_path, "analyst")
    app.run()
    app.query_params["indicator"] = "cin_to_cp_neglect"
    at = app.switch_page("views/explorer.py").run()  # as a browser opens it: nothing opened
    assert not at.exception
    lazy = [e for e in at.expander if f"-{LAZY_PREFIX}" in e.proto.id]
    assert {e.label for e in lazy} >= {"View as table"}
    assert all(not e.proto.expanded for e in lazy)
    assert not static_tables(at)
    at.session_state[f"{LAZY_PREFIX}xmr"] = True
    at.run()
    tables = static_tables(at)
    assert len(tables) == 1 and "Upper process limit" in tables[0]
