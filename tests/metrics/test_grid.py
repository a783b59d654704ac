"""The indicator_values grid: periods, as-at date, localities x agencies, zero-fill,
denominators of rates and counts, and the catalogue table."""

from datetime import date

import pytest

from metrics.runner import load_catalogue
from tests.metrics.conftest import SOUTH

AGENCY_INDICATORS = {e["id"] for e in load_catalogue() if e["breakdown"] == "locality_agency"}
# A test of the grid as a whole (every indicator's rows, the catalogue) builds every
# indicator; one that reads a few names them (@pytest.mark.indicators): the run dates,
# month ends and first/last periods are models built whatever is selected.


@pytest.mark.indicators("cp_rate", "rereferral")
def test_first_period_and_default_as_at_include_end_dates(p):
    p.child("c1").referral("r1", "c1", "2023-01-15")
    # the newest date seen is an early help end date
    p.early_help("e1", "c1", "2023-06-01", "2024-08-20")
    # neglect tool and assessment dates do not move the as-at date
    p.add("neglect_tools", {"tool_assessment_id": "t1", "child_id": "c1", "tool": "GCP2",
                            "agency": "HEA", "completed_date": "2024-12-01"})
    result = p.build()
    assert result.as_at == date(2024, 8, 20)
    # 2023-01-15: the first whole month is February 2023, so the first window ends 2024-01-31
    assert result.first_period == date(2024, 1, 31)
    assert result.last_period == date(2024, 7, 31)
    assert p.periods("cp_rate")[0] == date(2024, 1, 31)
    # re-referrals look back 12 months before each referral: none of these months has
    # 12 months of history before its window, so none is published
    assert p.periods("rereferral") == []
    assert len(p.periods("cp_rate")) == 7


@pytest.mark.indicators("cp_repeat", "rereferral", "rereferral_neglect", "rereferral_after_assessment",
                         "cp_repeat_2y", "step_down_sustained", "cp_rate")
def test_look_back_indicators_withhold_the_months_before_enough_history(p):
    # earliest data 2022-01-01: the first window starts 2022-01-01 (first period 2022-12-31)
    p.child("c1").referral("r1", "c1", "2022-01-01")
    p.child("c2").cp_plan("cp1", "c2", "2022-03-01", "2022-06-01")
    p.build(as_at="2025-06-30", window=24)
    assert p.periods("cp_repeat")[0] == date(2022, 12, 31)  # no look-back
    # window_start - 12 months >= 2022-01-01: window from 2023-01-01, E = 2023-12-31
    assert p.periods("rereferral")[0] == date(2023, 12, 31)
    assert p.periods("rereferral_neglect")[0] == date(2023, 12, 31)
    assert p.periods("rereferral_after_assessment")[0] == date(2023, 12, 31)
    # the repeat-plan window, 24 months: window from 2024-01-01, E = 2024-12-31
    assert p.periods("cp_repeat_2y")[0] == date(2024, 12, 31)
    # a window six months earlier: window from 2022-07-01, E = 2023-06-30
    assert p.periods("step_down_sustained")[0] == date(2023, 6, 30)
    firsts = dict(p.rows("select indicator_id, first_period from indicator_catalogue"))
    assert firsts["rereferral"] == date(2023, 12, 31)
    assert firsts["cp_rate"] == date(2022, 12, 31)


@pytest.mark.indicators("cp_repeat_2y")
def test_the_repeat_plan_window_setting_moves_cp_repeat_2y_first_month(p):
    p.child("c1").referral("r1", "c1", "2022-01-01")
    p.build(as_at="2025-06-30", window=12)
    assert p.periods("cp_repeat_2y")[0] == date(2023, 12, 31)


@pytest.mark.indicators("cp_rate")
def test_first_period_when_the_earliest_date_is_the_first_of_a_month(p):
    p.child("c1").cp_plan("cp1", "c1", "2023-03-01", "2024-05-31")
    result = p.build()
    assert result.first_period == date(2024, 2, 29)
    assert result.as_at == date(2024, 5, 31)
    assert result.last_period == date(2024, 5, 31)


@pytest.mark.indicators("referral_nfa")
@pytest.mark.parametrize("table, row", [
    ("referrals", {"referral_id": "r", "referral_date": "2023-01-01",
                   "closure_date": "2024-02-10"}),
    ("cin_plans", {"cin_plan_id": "x", "referral_id": "r", "start_date": "2023-01-01",
                   "end_date": "2024-02-10"}),
    ("looked_after", {"period_id": "x", "start_date": "2023-01-01",
                      "end_date": "2024-02-10", "category_of_need": "N1"}),
])
def test_each_activity_extract_sets_first_period_and_as_at(p, table, row):
    p.child("c1").add(table, {"child_id": "c1", **row})
    result = p.build()
    assert result.first_period == date(2023, 12, 31)
    assert result.as_at == date(2024, 2, 10)
    assert result.last_period == date(2024, 1, 31)


@pytest.mark.indicators("cp_rate")
def test_a_planned_or_typod_end_date_does_not_push_the_default_as_at_past_today(p):
    # only referral dates in the future are quarantined; an end date of 9999-12-31 loads
    p.child("c1").cp_plan("cp1", "c1", "2023-03-01", "9999-12-31")
    result = p.build()
    assert result.as_at == date.today()
    assert result.last_period <= date.today()


@pytest.mark.indicators("referral_nfa")
def test_as_at_override_cuts_the_periods_at_month_ends_on_or_before_it(p):
    p.child("c1").referral("r1", "c1", "2023-01-01").referral("r2", "c1", "2025-06-01")
    result = p.build(as_at="2024-03-15")
    assert result.as_at == date(2024, 3, 15)
    assert p.periods("referral_nfa") == [date(2023, 12, 31), date(2024, 1, 31),
                                         date(2024, 2, 29)]


def test_every_locality_and_agency_row_exists_and_is_zero_filled(p):
    p.child("c1").referral("r1", "c1", "2023-01-01").referral("r2", "c1", "2024-03-31")
    p.build()
    periods = 4  # 2023-12-31 .. 2024-03-31
    rows = dict(p.rows("select indicator_id, count(*) from indicator_values "
                       "where period_end <= date '2024-03-31' group by 1"))
    # the four termly indicators have no terms here, and the five that look back before
    # their window have not enough history yet
    assert len(rows) == 23
    for indicator, n in rows.items():
        agencies = 5 if indicator in AGENCY_INDICATORS else 1  # POL HEA EDU VOL + All
        assert n == periods * 4 * agencies, indicator  # North South Unknown All
    # nothing happened in early help: zeros, a NULL value for a percentage, NULL
    # denominators for counts
    assert p.cell("eh_step_up", date(2024, 3, 31), "South", "VOL").numerator == 0
    assert p.cell("eh_step_up", date(2024, 3, 31), "South", "VOL").denominator == 0
    assert p.cell("eh_step_up", date(2024, 3, 31), "South", "VOL").value is None
    count = p.cell("eh_assessments", date(2024, 3, 31), "North", "POL")
    assert (count.numerator, count.denominator, count.value) == (0, None, 0.0)


def test_no_data_builds_an_empty_table(p):
    result = p.build()
    assert result.rows == 0
    assert result.first_period is None
    assert p.rows("select count(*) from indicator_catalogue") == [(42,)]


@pytest.mark.indicators("cp_rate")
def test_rates_divide_by_the_population_of_the_year_or_the_nearest_earlier(p):
    p.add("seed_population", {"locality_code": "N", "year": 2027, "population_0_17": 5000})
    p.child("n").child("s", SOUTH).child("u", None)
    p.cp_plan("cp-n", "n", "2022-01-01")
    p.cp_plan("cp-s", "s", "2022-01-01")
    p.cp_plan("cp-u", "u", "2022-01-01")
    p.build(as_at="2026-01-31")

    def cell(period, locality):
        return p.cell("cp_rate", period, locality)

    # before the first year in the file: the earliest (2024)
    assert cell(date(2023, 6, 30), "North").denominator == 1000
    assert cell(date(2024, 6, 30), "North").value == pytest.approx(10.0)
    assert cell(date(2025, 6, 30), "North").denominator == 1100
    # 2026 is missing: the nearest earlier year (2025), not 2027
    assert cell(date(2026, 1, 31), "North").denominator == 1100
    assert cell(date(2025, 6, 30), "South").value == pytest.approx(1 / 3300 * 10000)
    # All = sum of localities; Unknown has no population
    assert cell(date(2025, 6, 30), "All").denominator == 4400
    assert cell(date(2025, 6, 30), "All").numerator == 3
    unknown = cell(date(2025, 6, 30), "Unknown")
    assert (unknown.numerator, unknown.denominator, unknown.value) == (1, 0, None)


@pytest.mark.indicators("referrals_neglect")
def test_rate_agency_rows_divide_by_the_locality_population(p):
    p.child("n")
    p.referral("r1", "n", "2023-01-01", neglect_flag=True, referral_source="5B")
    p.build(as_at="2023-12-31")
    cell = p.cell("referrals_neglect", date(2023, 12, 31), "North", "POL")
    assert (cell.numerator, cell.denominator) == (1, 1000)
    assert cell.value == pytest.approx(10.0)
    assert p.cell("referrals_neglect", date(2023, 12, 31), "All", "HEA").denominator == 4000


@pytest.mark.indicators("two_year_takeup", "persistent_absence_eh")
def test_termly_periods_are_the_terms_present_up_to_the_as_at_date(p):
    p.child("c1").referral("r1", "c1", "2024-01-10")  # first monthly period 2025-01-31
    p.add("two_year_olds", [
        {"term": "2023-AUT", "child_id": "k1", "registered": True},
        {"term": "2024-SPR", "child_id": "k1", "registered": True},
        {"term": "2025-SUM", "child_id": "k1", "registered": True},  # ends after as-at
    ])
    p.add("attendance", {"child_id": "c1", "academic_year": "2022/23", "term": "SUM",
                         "sessions_possible": 100, "sessions_missed": 1})
    result = p.build(as_at="2025-03-31")
    assert result.first_period == date(2025, 1, 31)
    assert p.periods("two_year_takeup") == [date(2023, 12, 31), date(2024, 3, 31)]
    assert p.periods("persistent_absence_eh") == [date(2023, 7, 31)]
    # a term with no one open to early help still has its rows (denominator 0)
    cell = p.cell("persistent_absence_eh", date(2023, 7, 31), "North")
    assert (cell.numerator, cell.denominator, cell.value) == (0, 0, None)


def test_catalogue_table_matches_the_yaml(p):
    p.add("seed_strategies", [
        {"strategy": "Northshire", "success_measure": "Fewer CP plans", "indicator_id": "cp_neglect_rate"},
        {"strategy": "Eastmoor", "success_measure": "Fewer plans", "indicator_id": "cp_neglect_rate"},
        {"strategy": "Eastmoor", "success_measure": "Audit", "indicator_id": None}])
    p.build()
    rows = p.rows("select indicator_id, unit, polarity, breakdown, frequency, strategies "
                  "from indicator_catalogue order by sort_order")
    assert [r[0] for r in rows] == [e["id"] for e in load_catalogue()]
    by_id = {r[0]: r for r in rows}
    assert by_id["cla_neglect_starts"][1] == "count"
    assert by_id["cp_rate"][2] == "context"
    assert by_id["persistent_absence_eh"][4] == "termly"
    # strategies come from seeds/strategies.csv alone
    assert by_id["cp_neglect_rate"][5] == "Eastmoor; Northshire"
    assert by_id["cp_rate"][5] is None
    units = dict(p.rows("select unit, count(*) from indicator_catalogue group by 1"))
    assert units == {"percent": 28, "rate": 8, "count": 6}


@pytest.mark.indicators("rereferral")
def test_rebuilding_into_the_same_connection_replaces_the_models(p):
    p.anchor()  # 2022-01-01: re-referrals are published from 2023-12-31
    p.child("c1").referral("r1", "c1", "2023-01-01")
    first = p.build(as_at="2023-12-31")
    p.referral("r2", "c1", "2023-06-01")
    second = p.build(as_at="2023-12-31")
    assert first.rows == second.rows
    assert p.cell("rereferral", date(2023, 12, 31)).numerator == 1
