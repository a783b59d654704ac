"""Every page, every widget path, with AppTest (no browser)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from dashboard import data
from dashboard import formatting as fmt
from tests.dashboard import fake_db
from tests.dashboard.conftest import PAGES, TITLES, open_page
from tests.support.charts import funnel_places, page_charts
from tests.support.tables import page_tables


def table(at, column: str) -> pd.DataFrame:
    """The first table on the page with ``column`` (st.dataframe keys are not exposed)."""
    for d in page_tables(at):
        if column in d.columns:
            return d
    raise AssertionError(f"no table with a {column!r} column")


def texts(at) -> str:
    return "\n".join(str(el.proto) for el in _walk(at._tree))


def _walk(node):
    children = getattr(node, "children", None)
    if children:
        for child in children.values():
            yield from _walk(child)
    elif hasattr(node, "proto"):
        yield node


@pytest.mark.parametrize("role", ["viewer", "analyst"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_its_title(app, use_db, fake_db_path, page, role):
    use_db(fake_db_path, role)
    at = open_page(app, page)
    assert [t.value for t in at.title] == [TITLES[page]]
    assert not at.error, [e.value for e in at.error]


def test_home_is_the_scorecard_with_a_refresh_note(app, use_db, fake_db_path):
    use_db(fake_db_path)
    at = app.run()
    assert not at.exception
    assert at.title[0].value == "Board scorecard"
    notes = " ".join(c.value for c in at.caption)
    assert "30 September 2025" in notes and "may be revised" in notes


def test_scorecard_strategy_filters_the_rows(app, use_db, fake_db_path):
    use_db(fake_db_path)
    at = app.run()
    everything = table(at, "Direction of travel")
    manual = pd.read_csv(fake_db.SEEDS / "manual_measures.csv")
    # the computed indicators, then every measure entered by hand
    assert len(everything) == len(fake_db.CATALOGUE) + len(manual)
    at.selectbox(key="sc_strategy").set_value("Brackenfold").run()
    wigan = table(at, "Direction of travel")
    measures = pd.read_csv(fake_db.SEEDS / "strategies.csv", keep_default_na=False)
    titles = [(i, t) for i, t, *_ in fake_db.CATALOGUE] + list(zip(manual["id"], manual["title"],
                                                                   strict=True))
    wanted = {t for i, t in titles
              if i in set(measures.loc[measures["strategy"] == "Brackenfold", "indicator_id"])}
    assert set(wigan["Indicator"]) == wanted
    html = "\n".join(h.proto.body for h in at.get("html"))
    assert "explorer?indicator=rereferral_neglect" in html
    assert "explorer?indicator=cp_rate" not in html


def test_scorecard_shows_last_year_direction_rag_and_spc_in_words(app, use_db, fake_db_path):
    use_db(fake_db_path)
    at = app.run()
    card = table(at, "Direction of travel").set_index("Indicator")
    words = {"better", "worse", "no change", "context", "c", "not available"}
    assert {d.split(" ", 1)[-1] for d in card["Direction of travel"]} <= words
    assert card.loc["Children on a CP plan (all categories)", "RAG"].startswith("no RAG")
    assert card.loc["Re-referrals within 12 months", "RAG"] in {"Green", "Amber", "Red", "c"}
    termly = card["Period"].str.contains("term")
    entered = card["Period"].str.contains("quarter to|year to")  # manual measures
    assert entered.sum() > 0
    # a verdict in words, or why there is none (too few children each month, for a viewer)
    spc_words = card.loc[~termly & ~entered, "SPC variation"]
    assert spc_words.str.contains("cause").any()
    assert (spc_words.str.contains("cause") | spc_words.str.startswith(
        "No verdict: too few children each month to judge safely here")).all()
    assert card.loc[termly, "SPC variation"].str.startswith("z").all()
    assert card.loc[entered, "SPC variation"].eq("z: an entered figure, no SPC chart").all()
    assert "England 22.6% (2024-25)" in card.loc["Re-referrals within 12 months", "Benchmark"]


def test_scorecard_earlier_period(app, use_db, fake_db_path):
    use_db(fake_db_path)
    at = app.run()
    at.selectbox(key="sc_period").set_value(pd.Timestamp("2025-03-31")).run()
    card = table(at, "Direction of travel")
    card = card[~card["Period"].str.contains("quarter to|year to")]  # manual: tested apart
    # honest labels: a rolling figure names its window, a snapshot its month end
    assert set(card["Period"]) == {"12 months to March 2025", "end of March 2025",
                                   "12 months to September 2024, followed to March 2025",
                                   "spring term 2025"}
    assert "March 2025" not in set(card["Period"])


def test_board_pack_and_csv_buttons(app, use_db, fake_db_path):
    use_db(fake_db_path)
    at = app.run()
    labels = [b.label for b in at.get("download_button")]
    assert any("scorecard (CSV)" in lbl for lbl in labels)
    # no pack kept for this database (made by hand, not by `lscp run`): built on request
    assert not any("board pack" in lbl for lbl in labels)
    at.button(key="board_pack_prepare").click().run(timeout=600)
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert "Download the board pack (PDF)" in labels and "Download the board pack (HTML)" in labels


def test_explorer_opens_the_indicator_in_the_query(app, use_db, fake_db_path):
    use_db(fake_db_path)
    at = open_page(app, "views/explorer.py", indicator="eh_step_up")
    assert at.selectbox(key="ex_indicator").value == "eh_step_up"
    assert any(h.value == "Agencies" for h in at.header)  # an agency indicator
    figures = table(at, "Locality")
    assert set(figures.columns) == {"Period end", "Locality", "Numerator", "Denominator", "Value"}
    assert {"All", "North", "Unknown"} <= set(figures["Locality"])


def test_explorer_switching_indicator(app, use_db, fake_db_path):
    use_db(fake_db_path)
    at = open_page(app, "views/explorer.py")
    at.selectbox(key="ex_indicator").set_value("cp_rate").run()
    assert not at.exception
    assert not any(h.value == "Agencies" for h in at.header)  # locality-only indicator
    assert at.query_params["indicator"] == "cp_rate"
    at.selectbox(key="ex_indicator").set_value("two_year_takeup").run()  # termly: no XmR
    assert not at.exception
    assert "too few points" in " ".join(c.value for c in at.caption)


def test_explorer_xmr_chart_has_limits_and_signals(app, use_db, fake_db_path):
    use_db(fake_db_path)
    at = open_page(app, "views/explorer.py", indicator="cp_neglect_starts")
    charts = page_charts(at)
    # first the rolling 12-month trend, then the XmR chart of each month's own figure
    assert charts[0]["kind"] == "lines" and charts[0]["names"] == ["Partnership"]
    assert "rolling 12 months" in charts[0]["title"]
    names = set(charts[1]["legend"] or charts[1]["texts"])
    assert charts[1]["kind"] == "xmr" and "each month" in charts[1]["title"]
    assert {"Value", "Mean", "Process limits"} <= names
    # each point's month and value is its tooltip, the chart's words its label
    assert any(re.fullmatch(r"[A-Z][a-z]{2} \d{4}: .+", t) for t in charts[1]["tips"])
    assert charts[1]["labels"][0].startswith(charts[1]["title"] + ": XmR chart of")
    assert "own figure (not the rolling 12 months" in texts(at)
    assert "**Variation:**" in texts(at) and "no assurance icon (no target" in texts(at)
    spc = data.spc("analyst", "cp_neglect_starts")
    if (spc["point_type"].fillna("") != "common_cause").any():
        assert names & {"Special cause: improvement", "Special cause: concern"}
        assert "Signals" in texts(at)


def test_explorer_shows_the_assurance_icon_in_words_where_there_is_a_target(app, use_db,
                                                                            fake_db_path):
    use_db(fake_db_path)
    at = open_page(app, "views/explorer.py", indicator="rereferral")
    assert data.spc("viewer", "rereferral")["assurance"].notna().any()
    assert "Assurance: " in texts(at)


def test_localities_and_agency_widgets(app, use_db, fake_db_path):
    use_db(fake_db_path)
    at = open_page(app, "views/localities.py")
    compared = table(at, "Compared with the partnership")
    assert set(compared["Compared with the partnership"]) <= {
        "better", "worse", "as expected", "possibly better", "possibly worse", "higher",
        "lower", "possibly higher", "possibly lower", "not compared"}
    at.selectbox(key="loc_period").set_value(pd.Timestamp("2024-12-31")).run()
    assert not at.exception
    at = open_page(at, "views/agency.py")
    at.selectbox(key="ag_agency").set_value("HLTH").run()
    assert not at.exception
    summary = table(at, "Share of the partnership")
    assert "Health" in summary.columns and "Referrals made" in set(summary["Indicator"])
    over_time = table(at, "Agency")
    assert set(over_time["Agency"]) == {"Health", "All"}


def test_strategies_list_every_measure(app, use_db, fake_db_path):
    use_db(fake_db_path)
    at = open_page(app, "views/strategies.py")
    measures = table(at, "Success measure")
    seeds = pd.read_csv(fake_db.SEEDS / "strategies.csv", keep_default_na=False)
    assert len(measures) == len(seeds)
    # seed text is escaped for Markdown (dashboard.formatting.as_text): compare as shown
    assert {h.value for h in at.header} == {fmt.as_text(s) for s in seeds["strategy"]} | {
        "Annual report extract"}
    # each is measured (computed, by proxy, by hand), or context, or says why not
    assert set(measures["Kind"]) == {"computed", "computed (proxy)", "manual", "not measurable",
                                     "context"}
    said = measures[measures["Kind"].isin(["not measurable", "computed (proxy)", "context"])]
    assert (said["Caveat"].str.len() > 10).all()
    assert list(measures["Success measure"]) == list(seeds["success_measure"])
    manual = measures[measures["Kind"] == "manual"]
    assert set(manual["Measured by"]) == set(pd.read_csv(fake_db.SEEDS / "manual_measures.csv")[
        "title"])
    html = "\n".join(h.proto.body for h in at.get("html"))
    assert html.count('lscp-badge lscp-manual">manual</span>') == len(manual)
    assert "<strong>Not measurable:</strong> a way of measuring, not a measure" in html


def test_data_quality_without_and_with_a_failed_run(app, use_db, tmp_path, fake_db_path):
    use_db(fake_db_path)
    at = open_page(app, "views/data_quality.py")
    assert not at.error
    report = table(at, "SHA-256")
    assert report["SHA-256"].str.len().eq(64).all()
    formats = dict(zip(report["Extract"], report["Format"], strict=True))
    assert (formats["children"], formats["referrals"]) == ("CSV + CIN census XML", "CSV")
    quarantine = table(at, "Total")
    assert int(quarantine["Total"].sum()) == 3
    failed = fake_db.build(tmp_path / "failed.duckdb", failed_run_after=True)
    use_db(failed)
    at.run()
    assert any("latest data refresh failed" in e.value for e in at.error)
    at = open_page(at, "views/scorecard.py")
    assert any("refresh failed" in w.value for w in at.warning)


def test_quarantined_rows_only_for_analysts(app, use_db, fake_db_path):
    use_db(fake_db_path, "viewer")
    at = open_page(app, "views/data_quality.py")
    assert all("rule" not in d.columns for d in page_tables(at))
    use_db(fake_db_path, "analyst")
    at.run()
    rows = table(at, "rule")
    assert set(rows["rule"]) == {"bad_date", "unknown_code", "orphan_child"}


def test_stale_extract_warning(app, use_db, fake_db_path):
    use_db(fake_db_path, extra="[dashboard.freshness_days]\ntwo_year_olds = 10\n")
    at = open_page(app, "views/data_quality.py")
    fresh = table(at, "Freshness").set_index("Extract")
    assert fresh.loc["two_year_olds", "Freshness"].startswith("never loaded")
    assert fresh.loc["referrals", "Freshness"] == "current"
    assert any(fmt.as_text("two_year_olds") in w.value for w in at.warning)


def test_missing_database_is_a_plain_message(app, monkeypatch, tmp_path):
    monkeypatch.setenv("LSCP_DB", str(tmp_path / "nope.duckdb"))
    at = app.run()
    assert not at.exception
    assert "does not exist" in at.error[0].value


def _exact_limit(unit: str, target: float, n: float, prob: float) -> float:
    """Spiegelhalter's interpolated exact limit, written here from the paper with scipy."""
    from scipy import stats

    scale = 100.0 if unit == "percent" else 10_000.0
    dist = (stats.binom(int(round(n)), target / scale) if unit == "percent"
            else stats.poisson(target / scale * n))
    r = dist.ppf(prob)
    upper, lower = dist.cdf(r), dist.cdf(r - 1)
    return max(r - (upper - prob) / (upper - lower), 0.0) / n * scale


def test_localities_red_only_outside_the_99_8_funnel_limit(app, use_db, fake_db_path):
    use_db(fake_db_path)
    at = open_page(app, "views/localities.py")
    compared = table(at, "Compared with the partnership")
    cat = data.catalogue().set_index("title")
    values = data.values("viewer", agencies=["All"])
    judged_rows = 0
    for row in compared.itertuples():
        word = row[compared.columns.get_loc("Compared with the partnership") + 1]
        if word in ("not compared",):
            continue
        ind = cat.loc[row.Indicator]
        cell = values[(values["indicator_id"] == ind["indicator_id"])
                      & (values["locality"] == row.Locality)]
        cell = cell[cell["period_end"] == cell["period_end"].max()].iloc[0]
        base = values[(values["indicator_id"] == ind["indicator_id"])
                      & (values["locality"] == "All")
                      & (values["period_end"] == cell["period_end"])].iloc[0]["value"]
        lo = _exact_limit(ind["unit"], base, cell["denominator"], 0.001)
        hi = _exact_limit(ind["unit"], base, cell["denominator"], 0.999)
        outside = cell["value"] > hi or cell["value"] < lo
        if word in ("worse", "better"):
            assert outside, (row.Indicator, row.Locality, cell["value"], lo, hi)
        else:
            assert not outside, (row.Indicator, row.Locality, cell["value"], lo, hi)
        judged_rows += 1
    assert judged_rows > 0


def test_localities_funnel_plot_has_limits_and_no_suppressed_place(app, use_db, fake_db_path):
    use_db(fake_db_path)
    at = open_page(app, "views/localities.py")
    funnel = page_charts(at)[1]
    assert funnel["kind"] == "funnel"
    assert {"99.8% limits", "95% limits"} <= set(funnel["legend"])
    plotted = funnel_places(funnel)
    chosen = at.selectbox(key="loc_funnel").value
    shown = data.values("viewer", indicator_ids=[chosen], agencies=["All"])
    latest = shown[shown["period_end"] == shown["period_end"].max()]
    hidden = set(latest.loc[latest["hidden"], "locality"])
    assert plotted and not hidden & set(plotted)
