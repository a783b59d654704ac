"""The board pack kept short: what it leaves to the measure's own section or the explorer,
said in fewer words, with no figure lost (hand-built rows, no database)."""

from __future__ import annotations

import pandas as pd

from dashboard import annual, boardpack


def test_a_measure_with_no_verdict_has_no_chart_one_with_a_verdict_has():
    assert boardpack.nothing_to_judge({"variation": None})
    assert not boardpack.nothing_to_judge({"variation": "common_cause"})
    assert "table" in boardpack.NO_CHART_WORDS and "explorer" in boardpack.NO_CHART_WORDS


def test_the_summary_gives_an_spc_reason_as_its_kind_and_keeps_the_others_whole():
    row = {"variation_text": "Special cause of concern (higher) in May 2026, on each month's "
                             "own figure: one month above the upper limit.",
           "verdict_kind": "Special cause of concern (higher)"}
    assert (boardpack.short_reason(f"SPC: {row['variation_text']}", row)
            == "SPC: Special cause of concern (higher)")
    red = "Red RAG: 23.8% against a target of 20.0%, beyond its tolerance"
    assert boardpack.short_reason(red, row) == red


def test_the_annual_extract_in_short_keeps_the_years_three_figures():
    spc = pd.DataFrame({
        "indicator_id": ["a"] * 5 + ["b"],
        "period_end": pd.to_datetime(["2025-03-31", "2025-04-30", "2025-05-31", "2025-06-30",
                                      "2025-07-31", "2025-05-31"]),
        "point_type": ["special_cause_concern", "special_cause_improvement", None,
                       "special_cause_concern", "common_cause", "special_cause_concern"],
        "hidden": [False, False, False, False, True, False]})
    first, last = pd.Timestamp("2025-04-30"), pd.Timestamp("2025-07-31")
    # the measure's rows, as the extract cuts them once for every measure
    whole, short = annual._signals(spc[spc["indicator_id"] == "a"], first, last)
    # March is before the year, July hidden: April to June, 1 improvement, 1 concern of 3
    assert whole == "; in the year 1 month(s) signalled improvement and 1 concern (of 3)"
    assert short == " (in the year: 1 of 3 months improvement, 1 concern)"
    assert len(short) < len(whole)
