"""Scorecard rules: direction of travel, RAG, benchmarks, variation words; formatting."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import formatting as fmt
from dashboard import scorecard


@pytest.mark.parametrize(("now", "before", "polarity", "unit", "expected"), [
    (20.0, 22.0, "lower", "percent", ("▼", "better")),
    (20.0, 22.0, "higher", "percent", ("▼", "worse")),
    (22.04, 21.96, "lower", "percent", ("→", "no change")),  # both 22.0 as shown
    (41.0, 35.0, "context", "rate", ("▲", "context")),
    (10, 12, "higher", "count", ("▼", "worse")),
    (None, 12, "higher", "count", ("", "not available")),
])
def test_direction(now, before, polarity, unit, expected):
    assert scorecard.direction(now, before, polarity, unit) == expected


@pytest.mark.parametrize(("value", "target", "tol", "polarity", "expected"), [
    (20.0, 20.0, 2.0, "lower", "Green"),
    (21.96, 22.0, 2.0, "lower", "Green"),  # within display precision... 22.0 meets 22.0
    (22.04, 22.0, 2.0, "lower", "Green"),
    (23.9, 22.0, 2.0, "lower", "Amber"),
    (24.0, 22.0, 2.0, "lower", "Amber"),
    (24.1, 22.0, 2.0, "lower", "Red"),
    (85.0, 85.0, 5.0, "higher", "Green"),
    (80.0, 85.0, 5.0, "higher", "Amber"),
    (79.9, 85.0, 5.0, "higher", "Red"),
    (50.0, None, None, "higher", None),
    (50.0, 40.0, 5.0, "context", None),
    (None, 40.0, 5.0, "higher", None),
])
def test_rag(value, target, tol, polarity, expected):
    assert scorecard.rag(value, target, tol, polarity, "percent") == expected


def test_benchmark_text_uses_the_latest_year_england_first():
    bench = pd.DataFrame({"geography": ["North West", "England", "England"],
                          "period_label": ["2024-25", "2023-24", "2024-25"],
                          "value": [21.7, 22.4, 22.6], "source": ["s"] * 3})
    assert scorecard.benchmark_text(bench, "percent") == \
        "England 22.6% (2024-25); North West 21.7% (2024-25)"
    assert scorecard.benchmark_text(bench.iloc[0:0], "percent") == "no published comparator"


def test_variation_words_never_colour_alone():
    for icon in scorecard.VARIATION:
        text = scorecard.variation_text(icon)
        assert any(w in text for w in ("improvement", "concern", "Common", "neither"))
    assert scorecard.variation_text(None) == "x"


@pytest.mark.parametrize(("v", "unit", "hidden", "expected"), [
    (41.26, "percent", False, "41.3%"), (38.25, "rate", False, "38.2 per 10,000"),
    (1204, "count", False, "1,204"), (3, "count", True, "c"), (None, "percent", False, "x"),
    (float("nan"), "rate", False, "x"), (0, "count", False, "0"),
])
def test_number_format(v, unit, hidden, expected):
    assert fmt.number(v, unit, hidden) == expected


def test_period_words():
    assert fmt.period(pd.Timestamp("2025-03-31")) == "March 2025"
    assert fmt.period(pd.Timestamp("2024-12-31"), "termly") == "autumn term 2024"
    assert fmt.denominator(5, "count") == "z"


def test_csv_guards_formulas_and_keeps_numbers():
    out = fmt.csv_bytes(pd.DataFrame({"a": ["=HYPERLINK(1)", "-3.5", "c"], "b": [1, 2, 3]}))
    assert out.startswith(b"\xef\xbb\xbf")  # a byte-order mark, so Excel reads UTF-8
    lines = out.decode("utf-8-sig").splitlines()
    assert lines[0] == "a,b"
    assert lines[1].startswith("'=HYPERLINK")
    assert lines[2] == "-3.5,2" and lines[3] == "c,3"


def test_scorecard_rows_for_a_strategy(use_db, fake_db_path):
    use_db(fake_db_path)
    card = scorecard.build("viewer", "Ashmere", pd.Timestamp("2025-09-30"))
    measures = pd.read_csv(scorecard.data.__file__.replace("dashboard/data.py",
                                                            "seeds/strategies.csv"))
    wanted = set(measures.loc[measures["strategy"] == "Ashmere", "indicator_id"])
    # the fake database publishes the first 24 indicators only, and every manual measure
    assert set(card["indicator_id"]) == wanted & set(scorecard.data.measures()["indicator_id"])
    assert {"audit_voice_of_child", "staff_trained_neglect"} <= set(card["indicator_id"])
    assert len(card) >= 5
    row = card.set_index("indicator_id").loc["cp_neglect_rate"]
    assert row["value_text"].endswith("per 10,000")
    assert " of " in row["based_on"] and row["rag"] in {"Green", "Amber", "Red"}
    assert len(row["spark"]) == scorecard.SPARK_POINTS


def test_compare_with_the_last_meeting_and_the_strategy_baseline(use_db, fake_db_path,
                                                                 monkeypatch):
    use_db(fake_db_path)
    meetings = pd.DataFrame({"meeting_date": pd.to_datetime(["2025-05-14", "2025-07-09"]),
                             "board": ["Board", "Quality & Performance"]})
    monkeypatch.setattr(scorecard.data, "meetings", lambda: meetings)
    when = pd.Timestamp("2025-09-30")
    values = scorecard.data.values("analyst", indicator_ids=["cp_neglect_rate"],
                                   localities=["All"], agencies=["All"]).set_index("period_end")
    # the last meeting before September looked at June's figures (the month end before it)
    card = scorecard.build("analyst", None, when, "last_meeting").set_index("indicator_id")
    row = card.loc["cp_neglect_rate"]
    assert row["last_year_text"] == fmt.number(values.loc["2025-06-30", "value"], "rate")
    assert "Quality & Performance" in row["compared_with"] and "June 2025" in row["compared_with"]
    # a month whose data month is before every meeting's: nothing to compare with
    early = scorecard.build("analyst", None, pd.Timestamp("2025-04-30"), "last_meeting")
    assert set(early["last_year_text"]) == {fmt.NOT_AVAILABLE}
    # baseline: the month before the strategy's launch (Ashmere 2024-04-01: March 2024)
    base = scorecard.build("analyst", "Ashmere", when, "baseline").set_index(
        "indicator_id").loc["cp_neglect_rate"]
    assert base["last_year_text"] == fmt.number(values.loc["2024-03-31", "value"], "rate")
    table = scorecard.board_table(scorecard.build("analyst", None, when, "last_meeting"),
                                  "last_meeting")
    assert "Since the last meeting" in table.columns and "Compared with" in table.columns


def test_a_withheld_month_says_not_enough_history(use_db, fake_db_path, monkeypatch):
    use_db(fake_db_path)
    real_values, real_catalogue = scorecard.data.values, scorecard.data.catalogue

    def catalogue():
        cat = real_catalogue()
        at = cat["indicator_id"] == "rereferral"
        cat.loc[at, "look_back_months"] = 12
        cat.loc[at, "first_period"] = pd.Timestamp("2026-01-31")
        return cat

    def values(role, indicator_ids=None, **kw):
        frame = real_values(role, indicator_ids=indicator_ids, **kw)
        return frame[frame["indicator_id"] != "rereferral"]  # no row: not computed

    monkeypatch.setattr(scorecard.data, "catalogue", catalogue)
    monkeypatch.setattr(scorecard.data, "values", values)
    card = scorecard._build("viewer", None, pd.Timestamp("2025-09-30")).set_index("indicator_id")
    assert card.loc["rereferral", "period_text"] == "not enough history yet (from January 2026)"
    assert card.loc["rereferral", "value_text"] == fmt.NOT_AVAILABLE
    assert card.loc["cp_repeat", "period_text"] == "12 months to September 2025"


def test_a_confidential_latest_month_is_judged_on_quarters_never_only_confidential(
        use_db, poisoned_db_path):
    """Issue 22: a viewer's row never says only that the month is confidential; it is
    judged on each quarter's own figure, or says too few children to judge safely, and
    then shows no icon (variation or assurance)."""
    use_db(poisoned_db_path)
    spc = scorecard.data.spc("viewer", "cin_to_cp_neglect")
    hidden_month = spc.loc[spc["hidden"], "period_end"].max()
    card = scorecard.build("viewer", None, hidden_month).set_index("indicator_id")
    row = card.loc["cin_to_cp_neglect"]
    assert "confidential" not in row["variation_text"]
    quarters = scorecard.data.spc_quarterly("viewer", "cin_to_cp_neglect")
    visible = int((~quarters["hidden"] & quarters["value"].notna()
                   & (quarters["period_end"] <= hidden_month)).sum())
    if visible >= 15:
        assert row["verdict_step"] == "quarter" and row["variation"] is not None
        assert "on each quarter's own figure" in row["variation_text"]
    else:
        assert row["variation_text"] == (
            "No verdict: too few children each month to judge safely here "
            f"({visible} quarter{'' if visible == 1 else 's'} can be shown; 15 are needed).")
        assert row["variation"] is None and row["assurance"] is None
    analyst = scorecard.build("analyst", None, hidden_month).set_index("indicator_id")
    assert analyst.loc["cin_to_cp_neglect", "verdict_step"] == "month"


def test_statistical_neighbours_stand_beside_england_and_the_region():
    bench = pd.DataFrame([
        ("rereferral", "Statistical neighbours", "2024-25", 20.9, "DfE LAIT (test)"),
        ("rereferral", "North West", "2024-25", 21.7, "DfE"),
        ("rereferral", "England", "2023-24", 22.4, "DfE"),
        ("rereferral", "England", "2024-25", 22.6, "DfE"),
    ], columns=["indicator_id", "geography", "period_label", "value", "source"])
    assert scorecard.benchmark_text(bench, "percent") == (
        "England 22.6% (2024-25); North West 21.7% (2024-25); "
        "Statistical neighbours (average) 20.9% (2024-25)")
