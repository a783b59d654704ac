"""The localities page compares like with like and says what it leaves out: five categories
in discrete colours with one word each, no "Other places", every locality it cannot plot
named with the reason, and "Compare" only when there is a choice."""

from __future__ import annotations

from dashboard import charts
from tests.dashboard.conftest import open_page
from tests.support.charts import funnel_places as _plotted
from tests.support.charts import page_charts
from tests.support.tables import page_tables


def _heatmap(at) -> dict:
    return next(c for c in page_charts(at) if c["kind"] == "heatmap")


def _funnel(at) -> dict:
    return next(c for c in page_charts(at) if c["kind"] == "funnel")


def _words(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + \
        [i.value for i in at.info]
    for d in page_tables(at):
        parts += [str(v) for v in d.to_numpy().ravel()]
    return " ".join(parts)


def test_the_heat_map_legend_is_the_five_categories_in_one_word_each(app, use_db,
                                                                      fake_db_path):
    use_db(fake_db_path, "analyst")
    at = open_page(app, "views/localities.py")
    heat = _heatmap(at)
    cells = [heat["series"][row]["texts"] for row in heat["names"]]  # each row's cells
    assert heat["legend"] == ["worse", "possibly worse", "as expected", "possibly better",
                              "better"]
    shown = _words(at) + " ".join(str(v) for row in cells for v in row)
    assert "watch" not in shown and "outside 95% only)" not in shown
    table = next(d for d in page_tables(at) if "Compared with the partnership" in d)
    used = set(table["Compared with the partnership"]) - {"not compared"}
    in_cells = {str(v).split(" ", 1)[1] for row in cells for v in row
                if " " in str(v)}  # "12.3 possibly worse": the figure, then its category
    assert in_cells and in_cells <= used  # a cell's word is the table's word


def test_a_confidential_locality_is_named_not_dropped_and_compare_needs_a_choice(
        app, use_db, fake_db_path):
    use_db(fake_db_path, "viewer")
    at = open_page(app, "views/localities.py")
    at.selectbox(key="loc_funnel").set_value("cp_repeat_neglect").run()  # East is c
    assert not at.radio  # localities only: nothing to choose between
    funnel = _funnel(at)
    plotted = _plotted(funnel)
    assert "East" not in plotted and len(plotted) == 4
    names = funnel["names"] + funnel["legend"]
    assert "Other places" not in names
    assert set(names) & set(charts.CATEGORY_WORDS)
    said = " ".join(i.value for i in at.info)
    assert "Not plotted (1 of 5 localities): East (confidential" in said
    at.selectbox(key="loc_funnel").set_value("neglect_tools_improved").run()  # by agency too
    assert at.radio(key="loc_funnel_by").options == ["Localities", "Agencies"]
    assert "South (confidential" in " ".join(i.value for i in at.info)


def test_an_analyst_sees_every_locality_plotted_and_nothing_left_out(app, use_db, fake_db_path):
    use_db(fake_db_path, "analyst")
    at = open_page(app, "views/localities.py")
    at.selectbox(key="loc_funnel").set_value("cp_repeat_neglect").run()
    plotted = _plotted(_funnel(at))
    assert "East" in plotted and len(plotted) == 5
    assert not [i for i in at.info if "Not plotted" in i.value]
