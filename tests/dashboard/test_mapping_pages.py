"""The pages and the pack carry how each strategy measure is measured, the catalogue's
groups (a "Front door and conferences" group apart on the scorecard, explorer and pack),
each sector's own measures on its agencies' views, and each locality's deprivation."""

from __future__ import annotations

from html import escape

import pandas as pd
import pytest

from dashboard import boardpack, data
from tests.dashboard import fake_db
from tests.dashboard.conftest import open_page
from tests.dashboard.test_pages import table

FRONT_DOOR = "Front door and conferences"
# fake indicators standing in for the front door's and the police's (the fake catalogue has
# no journey indicators): which group and sector is the catalogue's to say
GROUPS = {"referral_nfa": FRONT_DOOR, "assessment_timeliness": FRONT_DOOR}
SECTORS = {"cp_rate": "police", "assessment_timeliness": "Police;Health"}


@pytest.fixture(scope="module")
def grouped_db(tmp_path_factory):
    return fake_db.build(tmp_path_factory.mktemp("grouped") / "lscp.duckdb", groups=GROUPS,
                         sectors=SECTORS)


def _html(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def test_the_scorecard_shows_each_catalogue_group_apart(app, use_db, grouped_db):
    use_db(grouped_db)
    at = app.run()
    assert not at.exception
    heads = [h.value for h in at.subheader]
    assert heads[:3] == [data.NEGLECT_GROUP, FRONT_DOOR, data.MANUAL_GROUP]
    front = next(t for t in _html(at).split("<table")
                 if f"{FRONT_DOOR}, partnership figures" in t)
    assert "explorer?indicator=referral_nfa" in front
    assert "explorer?indicator=assessment_timeliness" in front
    assert "explorer?indicator=cp_rate" not in front


def test_without_catalogue_groups_the_computed_measures_are_one_table(app, use_db,
                                                                      fake_db_path):
    use_db(fake_db_path)  # a database published before the catalogue had groups
    at = app.run()
    assert FRONT_DOOR not in _html(at)
    assert [h.value for h in at.subheader][:2] == [data.NEGLECT_GROUP, data.MANUAL_GROUP]
    # Context has no manual measure: one group, so no heading over its one table
    at.selectbox(key="sc_strategy").set_value("Context").run()
    assert not at.exception
    assert not {data.NEGLECT_GROUP, data.MANUAL_GROUP} & {h.value for h in at.subheader}
    assert "explorer?indicator=cp_rate" in _html(at)


def test_the_explorer_chooses_by_group_and_says_the_group(app, use_db, grouped_db):
    use_db(grouped_db)
    at = open_page(app, "views/explorer.py", indicator="cp_rate")
    group = at.selectbox(key="ex_group")
    assert group.options == ["All groups", data.NEGLECT_GROUP, FRONT_DOOR, data.MANUAL_GROUP]
    group.set_value(FRONT_DOOR).run()
    assert not at.exception
    assert at.selectbox(key="ex_indicator").options == [
        t for i, t, *_ in fake_db.CATALOGUE if i in GROUPS]
    assert at.selectbox(key="ex_indicator").value in GROUPS
    assert any(f"**Group:** {FRONT_DOOR}" in m.value for m in at.markdown)


def test_a_police_champion_sees_the_police_measures(app, use_db, grouped_db):
    use_db(grouped_db, "champion:POL")
    at = open_page(app, "views/agency.py")
    shown = table(at, "Better when")
    titles = dict((i, t) for i, t, *_ in fake_db.CATALOGUE)
    assert list(shown["Indicator"]) == [titles["cp_rate"], titles["assessment_timeliness"]]
    assert any(h.value == "Measures of police work" for h in at.header)
    at.selectbox(key="ag_agency").set_value("HLTH").run()
    assert list(table(at, "Better when")["Indicator"]) == [titles["assessment_timeliness"]]


def test_an_agency_with_no_sector_measures_has_no_such_section(app, use_db, fake_db_path):
    use_db(fake_db_path, "champion:POL")
    at = open_page(app, "views/agency.py")
    assert not any(h.value.startswith("Measures of ") for h in at.header)


def test_the_localities_table_gives_each_locality_its_deprivation(app, use_db, fake_db_path):
    use_db(fake_db_path)
    at = open_page(app, "views/localities.py")
    column = "Deprivation (IDACI decile, 1 = most deprived)"
    shown = table(at, column)
    decile = {name: str(d) for (_c, name), d in zip(fake_db.LOCALITIES, [2, 5, 3, 9, 7],
                                                    strict=True)}
    assert set(shown["Locality"]) == set(decile)
    assert (shown[column] == shown["Locality"].map(decile)).all()


def test_the_pack_says_how_each_measure_is_measured(use_db, fake_db_path):
    use_db(fake_db_path)
    pack = boardpack.build("viewer", None, pd.Timestamp("2025-09-30"), partnership="Test")
    seeds = pd.read_csv(fake_db.SEEDS / "strategies.csv", keep_default_na=False)
    for r in seeds[seeds["how_measured"] == "proxy"].itertuples():
        assert f"Measured by proxy</strong>: {escape(r.reason)}" in pack, r.success_measure
    assert "Ashmere: how each success measure is measured, where not exactly" in pack
    assert f"<strong>Not measurable</strong>: {escape('a way of measuring, not a measure')}" \
        in pack


OLD_FILE = [  # a partnership's strategies.csv from before how_measured and reason
    ("Ashmere", "More WeCAN assessments — partial: counts every neglect tool, by agency",
     "neglect_tools_completed"),
    ("Ashmere", "Staff trained to recognise neglect", "staff_trained_neglect"),
    ("Ashmere", "Impact measured — not measurable: a way of measuring, not a measure", ""),
    ("Ashmere", "Fewer CP plans for neglect", "cp_neglect_rate"),
]


def test_an_older_strategies_file_says_how_in_its_measure_text(use_db, tmp_path):
    import duckdb

    path = fake_db.build(tmp_path / "old.duckdb")
    con = duckdb.connect(str(path))
    con.execute("create or replace table seed_strategies (strategy varchar, success_measure "
                "varchar, indicator_id varchar, launch_date date)")
    con.executemany("insert into seed_strategies values (?, ?, ?, date '2024-04-01')",
                    [list(r) for r in OLD_FILE])
    con.close()
    use_db(path)
    got = data.strategies()
    assert list(got["success_measure"]) == ["More WeCAN assessments",
                                            "Staff trained to recognise neglect",
                                            "Impact measured", "Fewer CP plans for neglect"]
    assert list(got["how_measured"]) == ["proxy", "manual", "not measurable", "indicator"]
    assert list(got["reason"]) == ["counts every neglect tool, by agency", "",
                                   "a way of measuring, not a measure", ""]
