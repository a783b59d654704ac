"""The explorer's "Who" tab: an indicator about children by age band, sex, ethnicity and
disability (or by tool), as chart, table and CSV, disclosure-controlled for viewers."""

from __future__ import annotations

import duckdb

from tests.dashboard.conftest import open_page
from tests.support.tables import page_tables


def _who_table(at, heading: str):
    return next(d for d in page_tables(at) if heading in d.columns)


def test_age_bands_in_order_with_all_first_and_shares(app, use_db, fake_db_path):
    use_db(fake_db_path, "analyst")
    at = open_page(app, "views/explorer.py", indicator="cp_rate")
    table = _who_table(at, "Age band")
    assert list(table["Age band"]) == ["All", "Unborn", "Under 1", "1-4", "5-9", "10-15",
                                       "16-17", "18 and over", "Not known"]
    assert table["Denominator"].eq("z").all()  # a rate is broken down as its count
    assert table["Share of all"].iloc[0] == "100.0"
    assert any("Who: by age, sex, ethnicity and disability" in h.value for h in at.header)


def test_viewer_sees_c_exactly_where_a_category_is_suppressed(app, use_db, fake_db_path):
    use_db(fake_db_path, "viewer")
    at = open_page(app, "views/explorer.py", indicator="cp_repeat")
    at.radio(key="who_dimension").set_value("ethnicity").run()
    shown = _who_table(at, "Ethnicity group")
    period = at.selectbox(key="who_period").value
    with duckdb.connect(str(fake_db_path), read_only=True) as con:
        truth = dict(con.execute(
            "select category, suppressed from indicator_breakdowns where indicator_id = "
            "'cp_repeat' and dimension = 'ethnicity' and period_end = ?",
            [period.date()]).fetchall())
    assert any(truth.values()), "the fake database must suppress a category here"
    assert {c: v == "c" for c, v in zip(shown["Ethnicity group"], shown["Value"],
                                        strict=True)} == truth


def test_tools_on_the_neglect_tool_indicators(app, use_db, fake_db_path):
    use_db(fake_db_path, "analyst")
    at = open_page(app, "views/explorer.py", indicator="neglect_tools_completed")
    table = _who_table(at, "Neglect tool")
    assert list(table["Neglect tool"]) == ["All", "GCP2", "NTK", "WECAN"]
    assert sum(int(v.replace(",", "")) for v in table["Numerator"][1:]) == int(
        table["Numerator"][0].replace(",", ""))


def test_an_indicator_not_about_children_says_so(app, use_db, fake_db_path):
    use_db(fake_db_path, "analyst")
    at = open_page(app, "views/explorer.py", indicator="two_year_takeup")
    assert any("no breakdown by the children's characteristics" in i.value for i in at.info)


def test_no_published_comparator_is_said_not_left_blank(app, use_db, fake_db_path):
    use_db(fake_db_path, "analyst")
    at = open_page(app, "views/explorer.py", indicator="eh_step_up")  # no benchmark row
    side = "\n".join(m.value for m in at.markdown)
    assert "**Benchmarks**" in side and "no published comparator" in side
