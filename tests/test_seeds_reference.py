"""The demo partnership's reference seeds: benchmarks, targets and strategy success measures.

These files are what make the figures meaningful to a board (England / region, RAG, "is our
strategy working?"), so they are checked against the spec: every id is one of the 24
indicators, benchmarks are the published DfE figures for England and the North West only,
and every success measure of the five neglect strategies is mapped or said to be unmeasurable.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from data_contracts.schema import SEED_TABLES

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

# spec/indicators.md, "Catalogue" and "Further measures the strategies name"
INDICATOR_IDS = {
    "cp_neglect_rate", "cp_neglect_share", "cp_rate", "cp_neglect_starts", "cp_repeat",
    "cp_repeat_neglect", "cp_repeat_2y", "rereferral", "rereferral_neglect", "referrals_neglect",
    "referral_nfa", "assessment_timeliness", "cin_to_cp_neglect", "cla_neglect_starts",
    "eh_neglect_starts", "eh_assessments", "eh_neglect_outcomes_met", "eh_step_up", "step_downs",
    "step_down_sustained", "two_year_takeup", "persistent_absence_eh", "neglect_tools_completed",
    "neglect_tools_improved",
    # "Further measures the strategies name"
    "cla_rate", "cla_neglect_rate", "cp_long", "referral_nfa_neglect",
    "rereferral_after_assessment", "attendance_eh", "persistent_absence_cin_cp",
    "tool_before_neglect_referral",
}  # fmt: skip
PERCENT_INDICATORS = {
    "cp_neglect_share", "cp_repeat", "cp_repeat_neglect", "cp_repeat_2y", "rereferral",
    "rereferral_neglect", "referral_nfa", "assessment_timeliness", "cin_to_cp_neglect",
    "eh_neglect_outcomes_met", "eh_step_up", "step_down_sustained", "two_year_takeup",
    "persistent_absence_eh", "neglect_tools_improved", "cp_long", "referral_nfa_neglect",
    "rereferral_after_assessment", "attendance_eh", "persistent_absence_cin_cp",
    "tool_before_neglect_referral",
}  # fmt: skip
CONTEXT_INDICATORS = {"cp_rate"}  # polarity "context": no better or worse, so no RAG

# The success measures of the five strategies, as the issue lists them, and the commitments
# measured by audit, survey or count (spec/indicators.md). The demo's strategies carry
# fictional partnership names (docs/sources.md credits the real strategies they came from):
# Ashmere = Wolverhampton, Brackenfold = Wigan, Corriston = Blackburn with Darwen,
# Dunwick Vale = Wakefield, Elderbridge = Cambridgeshire & Peterborough.
STRATEGY_MEASURES = {
    "Ashmere": [
        "More WeCAN assessments",
        "A WeCAN assessment commenced before a neglect referral",
        "More early help for neglect",
        "Early help stopping neglect escalating to social care",
        "Fewer inappropriate neglect referrals",
        "Fewer CIN plans for neglect escalating to CP",
        "Fewer CP plans for neglect",
        "Fewer children needing to become looked after because of neglect",
        "Fewer children looked after (the DfE rate per 10,000)",
        "Fewer children not brought to health appointments",
        "Voice and lived experience of the child captured in assessments (single and "
        "multi-agency audits)",
        "Staff trained to recognise neglect",
        "Impact measured through analysis of existing data and single and multi-agency audits",
    ],
    "Brackenfold": [
        "More early help assessments closed with a positive outcome where neglect is identified",
        "More early help assessments",
        "Use of GCP2",
        "Use of GCP2 to improve outcomes",
        "Fewer referrals where neglect is a factor",
        "Fewer children on a CP plan for neglect",
        "Lower % of CP plans for neglect",
        "Fewer re-referrals for neglect",
        "Effective multi-agency response, judged through audit",
        "Effective multi-agency response, judged through practitioner feedback",
        "Effective multi-agency response, judged through family feedback",
        "Practitioner forums held",
        "GCP2 training held",
    ],
    "Corriston": [
        "Fewer repeat CP plans for neglect",
        "Fewer re-referrals after a single assessment",
        "Fewer looked-after children",
        "No drift and delay: fewer children on a CP plan for two years or more",
        "Child protection plans reviewed regularly",
        "Less persistent school absence",
        "More early help assessments per agency",
        "More two-year-old offer take-up",
        "More cases stepped down as a result of desired outcomes being achieved",
        "Annual neglect-themed multi-agency audit: cases graded good or better",
        "Direct feedback from children and families",
        "Awareness-raising and training sessions",
    ],
    "Dunwick Vale": [
        "Use of the neglect toolkit across agencies",
        "Early help for neglect on the continuum of need",
        "No drift and delay in neglect cases",
        "Neglect Toolkit training",
    ],
    "Elderbridge": [
        "More two-year-old take-up",
        "Fewer re-referrals for neglect",
        "Fewer second or subsequent CP plans for neglect",
        "Child protection plans reviewed regularly",
        "Better attendance of children open to early help",
        "Assessments within 45 working days",
        "GCP2 rescores showing improvement",
        "Audit of the partnership response to neglect, including the child's lived experience",
        "Feedback from children and families after plans close",
        "Training on parental non-compliance and disguised compliance",
    ],
}
REAL_NAMES = ("Wolverhampton", "Wigan", "Blackburn", "Darwen", "Wakefield", "Cambridgeshire",
              "Peterborough")
CONTEXT = "Context"  # indicators no strategy names, each with its reason
# spec/indicators.md, "The child's journey" (computed on the branch that adds the extracts)
JOURNEY_IDS = {
    "contacts_rate", "contact_to_referral", "s47_rate", "icpc_timely", "icpc_to_plan",
    "cp_reviews_timely", "was_not_brought", "da_notifications_rate", "encompass_timely",
    "cla_missing",
}


def read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(SEEDS / name, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def measure_of(row: dict[str, str]) -> str:
    return row["success_measure"]


@pytest.mark.parametrize("seed", ["benchmarks", "targets", "strategies"])
def test_headers_are_exactly_the_seed_contract(seed):
    header, rows = read(f"{seed}.csv")
    assert header == [name for name, _ in SEED_TABLES[seed]]
    assert rows


@pytest.mark.parametrize("seed", ["benchmarks", "targets", "strategies"])
def test_seed_loads_into_its_typed_table(seed):
    columns = ", ".join(f"'{name}': '{dtype}'" for name, dtype in SEED_TABLES[seed])
    con = duckdb.connect()
    n = con.execute(
        f"select count(*) from read_csv(?, header = true, columns = {{{columns}}})",
        [str(SEEDS / f"{seed}.csv")],
    ).fetchall()[0][0]
    assert n == len(read(f"{seed}.csv")[1])


def manual_ids() -> set[str]:
    return {r["id"] for r in read("manual_measures.csv")[1]}


@pytest.mark.parametrize("seed", ["benchmarks", "targets", "strategies"])
def test_every_indicator_id_is_one_of_the_specs(seed):
    _, rows = read(f"{seed}.csv")
    ids = {r["indicator_id"] for r in rows if r["indicator_id"]}
    # a strategy (or a target) may name a manual measure: an audit, a survey, a count
    allowed = INDICATOR_IDS | (manual_ids() if seed != "benchmarks" else set()) | (
        JOURNEY_IDS if seed == "strategies" else set())
    assert ids <= allowed, ids - allowed


# --- benchmarks -------------------------------------------------------------------


def test_benchmarks_are_england_and_north_west_only_with_a_source():
    _, rows = read("benchmarks.csv")
    assert {r["geography"] for r in rows} == {"England", "North West"}
    for r in rows:
        assert r["source"].startswith("DfE "), r
        assert r["period_label"].strip()
        float(r["value"])
    keys = [(r["indicator_id"], r["geography"], r["period_label"]) for r in rows]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("indicator_id", "geography", "period", "value"),
    [  # the published figures quoted in spec/indicators.md
        ("rereferral", "England", "2024-25", 22.6),
        ("rereferral", "North West", "2024-25", 21.7),
        ("cp_repeat", "England", "2024-25", 24.5),
        ("cp_rate", "England", "2024-25", 40.6),
        ("two_year_takeup", "England", "2024", 75.0),
    ],
)
def test_benchmarks_hold_the_published_figures(indicator_id, geography, period, value):
    _, rows = read("benchmarks.csv")
    found = [
        float(r["value"])
        for r in rows
        if (r["indicator_id"], r["geography"], r["period_label"])
        == (indicator_id, geography, period)
    ]
    assert found == [value]


def test_persistent_absence_benchmark_says_it_is_for_children_in_need():
    _, rows = read("benchmarks.csv")
    absence = [r for r in rows if r["indicator_id"] == "persistent_absence_eh"]
    assert absence
    for r in absence:
        assert "children in need" in r["source"]
        assert "not children open to early help" in r["source"]


def test_no_invented_regional_figures():
    # regional neglect shares and regional two-year-old take-up after 2022 were not published
    _, rows = read("benchmarks.csv")
    north_west = {
        (r["indicator_id"], r["period_label"]) for r in rows if r["geography"] != "England"
    }
    assert not any(i == "cp_neglect_share" for i, _ in north_west)
    assert not any(i == "two_year_takeup" and p > "2022" for i, p in north_west)


# --- targets ----------------------------------------------------------------------


def test_targets_cover_most_but_not_all_indicators():
    _, rows = read("targets.csv")
    ids = [r["indicator_id"] for r in rows]
    assert len(ids) == len(set(ids))
    assert len(INDICATOR_IDS) // 2 < len(ids) < len(INDICATOR_IDS)
    assert not set(ids) & CONTEXT_INDICATORS


def test_targets_are_in_the_indicators_units():
    _, rows = read("targets.csv")
    for r in rows:
        target, tolerance = float(r["target"]), float(r["tolerance"])
        assert tolerance >= 0
        if r["indicator_id"] in PERCENT_INDICATORS:
            assert 0 <= target <= 100 and tolerance < 50, r


# --- strategies -------------------------------------------------------------------


def test_strategy_names_are_exactly_the_five_and_context():
    _, rows = read("strategies.csv")
    assert {r["strategy"] for r in rows} == set(STRATEGY_MEASURES) | {CONTEXT}


@pytest.mark.parametrize(
    ("strategy", "measure"),
    [(s, m) for s, measures in STRATEGY_MEASURES.items() for m in measures],
)
def test_every_success_measure_of_the_issue_appears(strategy, measure):
    _, rows = read("strategies.csv")
    assert any(r["strategy"] == strategy and measure_of(r) == measure for r in rows)


def test_no_measure_outside_the_issue():
    _, rows = read("strategies.csv")
    for r in rows:
        if r["strategy"] != CONTEXT:
            assert measure_of(r) in STRATEGY_MEASURES[r["strategy"]], r


def test_unmapped_measures_say_why():
    _, rows = read("strategies.csv")
    for r in rows:
        if not r["indicator_id"]:
            assert r["how_measured"] == "not measurable", r
        if r["how_measured"] in ("proxy", "not measurable", "context"):
            assert len(r["reason"]) > 10, r  # a reason, not a bare label
        else:
            assert not r["reason"], r  # an exact, manual measure needs none


def test_a_measure_has_one_text_and_no_duplicate_rows():
    _, rows = read("strategies.csv")
    keys = [(r["strategy"], r["success_measure"], r["indicator_id"]) for r in rows]
    assert len(keys) == len(set(keys))
    texts: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        texts.setdefault((r["strategy"], measure_of(r)), set()).add(r["success_measure"])
    assert all(len(t) == 1 for t in texts.values())
    # a measure is either mapped to indicators or marked not measurable, never both
    for (strategy, measure), _ in texts.items():
        ids = {
            r["indicator_id"] for r in rows if (r["strategy"], measure_of(r)) == (strategy, measure)
        }
        assert "" not in ids or ids == {""}


def test_each_strategy_has_one_launch_and_context_none():
    # the ids against the catalogue: tests/test_strategies_mapping.py
    _, rows = read("strategies.csv")
    launches: dict[str, set[str]] = {}
    for r in rows:
        launches.setdefault(r["strategy"], set()).add(r["launch_date"])
    assert launches.pop(CONTEXT) == {""}
    assert all(len(dates) == 1 and "" not in dates for dates in launches.values()), launches


def test_the_demo_strategies_carry_no_real_partnership_name():
    text = (SEEDS / "strategies.csv").read_text(encoding="utf-8")
    assert not [name for name in REAL_NAMES if name in text]


def test_every_manual_measure_serves_a_strategy():
    _, rows = read("strategies.csv")
    assert manual_ids() <= {r["indicator_id"] for r in rows}
