"""The model runner: dependency order from the names a model mentions, materialisation,
and the models it leaves behind."""

import re

import pytest

from metrics import runner
from metrics.runner import Model, discover_models, execution_order, load_catalogue


def test_dependencies_come_from_model_names_not_comments():
    models = discover_models(load_catalogue())
    assert "stg_children" in models["stg_referrals"].depends_on
    assert models["ind_rereferral"].depends_on == {"int_referrals__rereferrals_flagged",
                                                   "int_month_ends"}
    assert "int_referrals__classified" in models["int_referrals__rereferrals_flagged"].depends_on
    assert set(models["indicator_cells"].depends_on) == {
        f"ind_{e['id']}" for e in load_catalogue()}
    order = execution_order(models)
    for name, model in models.items():
        for dependency in model.depends_on:
            assert order.index(dependency) < order.index(name), (dependency, name)
    assert order.index("indicator_values") > order.index("indicator_cells")
    assert order[-1] in ("indicator_values", "indicator_monthly", "indicator_breakdowns",
                         "manual_values")  # a mart: nothing reads it
    assert "int_indicator_breakdowns__filled" in models["indicator_breakdowns"].depends_on
    # a breakdown is its indicator's own file over the re-keyed source (a view, built once)
    assert ("int_referrals__rereferrals_flagged__keyed_characteristics_at_referral_date"
            in models["ind_rereferral__by_characteristics"].depends_on)
    assert models["int_referrals__rereferrals_flagged__keyed_characteristics_at_referral_date"
                  ].materialized == "view"
    assert "indicator_values" in models["indicator_monthly"].depends_on


def test_every_rolling_indicator_gets_an_in_month_twin_from_its_own_file():
    models = discover_models(load_catalogue())
    rolling = runner.rolling_ids(models, [e["id"] for e in load_catalogue()])
    assert "rereferral" in rolling and "step_down_sustained" in rolling
    assert "cp_rate" not in rolling and "two_year_takeup" not in rolling
    for ident in rolling:
        twin = models[f"ind_{ident}__in_month"].sql
        assert re.search(r"\bin_month(_children)?\(", twin)
        assert "rolling_12_months" not in re.sub(r"--[^\n]*", "", twin)
        # the same file otherwise: only the window macro differs
        assert twin.replace("in_month(", "rolling_12_months(").replace(
            "in_month_children(", "rolling_12_months_children(") == models[f"ind_{ident}"].sql
    assert set(models["indicator_month_cells"].depends_on) == {
        f"ind_{i}__in_month" for i in rolling}


def test_a_cycle_is_reported():
    models = {"a": Model("a", "select * from b", depends_on={"b"}),
              "b": Model("b", "select * from a", depends_on={"a"})}
    with pytest.raises(ValueError, match="cycle"):
        execution_order(models)


def test_catalogue_and_sql_files_must_match(monkeypatch):
    catalogue = load_catalogue()
    with pytest.raises(ValueError, match="differ"):
        discover_models(catalogue[:-1])


def test_catalogue_entries_are_checked(tmp_path):
    bad = tmp_path / "catalogue.yaml"
    bad.write_text("- id: x\n  unit: percentage\n")
    with pytest.raises(ValueError, match="unit"):
        runner.load_catalogue(bad)


@pytest.mark.indicators("rereferral")
def test_models_are_left_as_tables_and_views(p):
    p.child("c1").referral("r1", "c1", "2023-01-01")
    result = p.build(as_at="2023-12-31")
    tables = {r[0] for r in p.rows("select table_name from duckdb_tables()")}
    views = {r[0] for r in p.rows("select view_name from duckdb_views() where not internal")}
    assert {"stg_referrals", "int_month_ends", "ind_rereferral", "indicator_values",
            "indicator_catalogue", "run_parameters"} <= tables
    assert "stg_attendance" in views
    assert result.as_at.isoformat() == "2023-12-31"
    assert result.rows == p.rows("select count(*) from indicator_values")[0][0]
    assert f"{result.rows} values" in result.summary()


def test_a_second_attached_database_with_the_same_model_names_is_left_alone(tmp_path):
    # the pipeline attaches the previous published database while it builds the new one
    import datetime as dt

    import duckdb

    from data_contracts import schema
    from lscp_core.settings import Settings

    previous = tmp_path / "previous.duckdb"
    with duckdb.connect(str(previous)) as other:
        schema.create_empty_sources(other)
        other.execute("create table stg_agencies (x integer)")
    con = duckdb.connect()
    schema.create_empty_sources(con)
    con.execute(f"attach '{previous}' as prev (read_only)")
    for _ in range(2):  # the second build drops and recreates its own models only
        # (every staging model, stg_agencies among them, is built whatever is selected)
        runner.build_metrics(con, as_at=dt.date(2025, 3, 31), settings=Settings(),
                             select=["rereferral"])
    assert con.execute("select count(*) from prev.stg_agencies").fetchone()[0] == 0
