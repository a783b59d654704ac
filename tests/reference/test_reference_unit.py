"""The reference implementation against hand-worked cases from spec/indicators.md.

Each test builds a few src rows, works out the answer from the spec by hand, and checks the
reference gives it. Partnership (handmade.py): North = NS1 (except sector NS1 9) with
population 10,000 (2023) / 12,000 (2025); South = NS1 9 and NS2, 8,000 (2024 only).
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from pytest import approx

from . import handmade as h
from .dates import add_months, monthly_periods, working_days_after
from .indicators import compute_all, default_as_at
from .places import Places, normalise_postcode

D = dt.date
NORTH = {"child_id": "n1", "postcode": "NS1 4AB"}
NORTH2 = {"child_id": "n2", "postcode": "NS1 5CD"}
SOUTH = {"child_id": "s1", "postcode": "NS2 1AA"}
CHILDREN = [NORTH, NORTH2, SOUTH]


def cell(table, indicator, period, locality="All", agency="All"):
    rows = table[(table.indicator_id == indicator) & (table.period_end == period)
                 & (table.locality == locality) & (table.agency == agency)]
    assert len(rows) == 1, f"{indicator} {period} {locality} {agency}: {len(rows)} rows"
    row = rows.iloc[0]
    den = None if math.isnan(row.denominator) else row.denominator
    value = None if math.isnan(row.value) else row.value
    return int(row.numerator), den, value


def run(as_at, **src):
    src.setdefault("children", CHILDREN)
    # an early referral fixes the first monthly period so every test has the months it needs
    src.setdefault("referrals", [])
    src["referrals"] = [*src["referrals"], {"referral_id": "anchor", "child_id": "zz",
                                            "referral_date": "2022-01-01"}]
    return compute_all(h.frames(**src), D(*as_at) if isinstance(as_at, tuple) else as_at)


# -- calendar ------------------------------------------------------------------------------

def test_add_months_clamps_to_month_end():
    assert add_months(D(2024, 2, 29), -12) == D(2023, 2, 28)
    assert add_months(D(2024, 8, 31), 6) == D(2025, 2, 28)
    assert add_months(D(2025, 1, 31), -11) == D(2024, 2, 29)


def test_first_period_is_first_whose_window_starts_on_or_after_earliest_date():
    assert monthly_periods(D(2023, 3, 15), D(2024, 5, 1)) == [D(2024, 3, 31), D(2024, 4, 30)]
    assert monthly_periods(D(2023, 3, 1), D(2024, 3, 30)) == [D(2024, 2, 29)]
    assert monthly_periods(D(2023, 3, 1), D(2024, 2, 28)) == []


def test_working_days_skip_weekends_bank_holidays_and_the_start_day():
    holidays = [D(2024, 12, 25), D(2024, 12, 26)]
    # from Friday 20th: Mon 23, Tue 24, (25, 26 holidays), Fri 27
    assert working_days_after(D(2024, 12, 20), D(2024, 12, 27), holidays) == 3
    assert working_days_after(D(2024, 12, 20), D(2024, 12, 20), holidays) == 0


def test_default_as_at_is_newest_referral_plan_or_episode_date_closures_included():
    frames = h.frames(children=CHILDREN, referrals=[
        {"referral_id": "r", "child_id": "n1", "referral_date": "2024-01-01",
         "closure_date": "2025-06-01"}],
        early_help=[{"episode_id": "e", "child_id": "n1", "lead_agency": "SCH",
                     "start_date": "2024-01-01", "end_date": "2025-06-02"}],
        neglect_tools=[{"tool_assessment_id": "t", "child_id": "n1", "tool": "GCP2",
                        "agency": "SCH", "completed_date": "2025-07-01"}])
    assert default_as_at(frames) == D(2025, 6, 2)


# -- places --------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("ns1 4ab", "NS1 4AB"), ("NS14AB", "NS1 4AB"), (" NS1  4AB ", "NS1 4AB"),
    ("NS1", "NS1"), ("ns14", "NS14"), ("NS144AB", "NS14 4AB"),
    ("", None), ("NS1 AAA", None), ("hello", None), (None, None),
])
def test_postcode_normalisation(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize("postcode, locality", [
    ("NS1 4AB", "North"), ("NS1 9AB", "South"), ("ns19ab", "South"), ("NS1", "North"),
    ("NS14 1AB", "Unknown"), ("NS2 3XY", "South"), ("ZZ9 9ZZ", "Unknown"), ("", "Unknown"),
    (None, "Unknown"), ("NS1 AAA", "Unknown"),
])
def test_locality_lookup_sector_wins_over_outward_code(postcode, locality):
    seeds = h.seeds()
    places = Places(seeds["seed_localities"], seeds["seed_postcode_localities"],
                    seeds["seed_population"], seeds["seed_agencies"])
    assert places.locality_of_postcode(postcode) == locality


def test_population_year_rule():
    seeds = h.seeds()
    places = Places(seeds["seed_localities"], seeds["seed_postcode_localities"],
                    seeds["seed_population"], seeds["seed_agencies"])
    assert places.children_0_17("North", D(2024, 6, 30)) == 10000  # nearest earlier: 2023
    assert places.children_0_17("North", D(2025, 6, 30)) == 12000
    assert places.children_0_17("South", D(2023, 6, 30)) == 8000  # none earlier: the earliest
    assert places.children_0_17("All", D(2024, 6, 30)) == 18000
    assert places.children_0_17("Unknown", D(2024, 6, 30)) == 0


# -- grid ----------------------------------------------------------------------------------

def test_every_locality_agency_and_period_has_a_row():
    t = run((2023, 3, 31))
    periods = [D(2022, 12, 31), D(2023, 1, 31), D(2023, 2, 28), D(2023, 3, 31)]
    for indicator, agencies in (("referral_nfa", ["POL", "HLT", "SCH", "VCS", "All"]),
                                ("cp_rate", ["All"])):
        rows = t[t.indicator_id == indicator]
        assert sorted(set(rows.period_end)) == periods
        assert set(rows.locality) == {"North", "South", "Unknown", "All"}
        assert set(rows.agency) == set(agencies)
        assert len(rows) == len(periods) * 4 * len(agencies)
    # the termly four have no terms here, and the five that look back before their window
    # have not enough history: no rows; the other 23 monthly ones all have rows
    assert not {"two_year_takeup", "persistent_absence_eh", "attendance_eh",
                "persistent_absence_cin_cp", "rereferral", "rereferral_neglect",
                "rereferral_after_assessment", "cp_repeat_2y",
                "step_down_sustained"} & set(t.indicator_id)
    assert t.indicator_id.nunique() == 23


def test_count_indicators_have_null_denominator_and_value_equal_to_count():
    t = run((2025, 3, 31), looked_after=[
        {"period_id": "l1", "child_id": "n1", "start_date": "2024-04-01", "category_of_need": "N1"},
        {"period_id": "l2", "child_id": "n1", "start_date": "2024-05-01", "category_of_need": "N2"},
        {"period_id": "l3", "child_id": "s1", "start_date": "2024-03-31", "category_of_need": "N1"}])
    assert cell(t, "cla_neglect_starts", D(2025, 3, 31)) == approx((1, None, 1.0))
    assert cell(t, "cla_neglect_starts", D(2025, 3, 31), "South") == approx((0, None, 0.0))
    assert cell(t, "cla_neglect_starts", D(2025, 2, 28), "South") == approx((1, None, 1.0))


# -- CP plans ------------------------------------------------------------------------------

def test_open_at_month_end_counts_children_once():
    plans = [
        {"cp_plan_id": "p1", "child_id": "n1", "start_date": "2024-03-31", "initial_category": "NEG"},
        {"cp_plan_id": "p2", "child_id": "n1", "start_date": "2023-01-01", "end_date": "2024-03-31",
         "initial_category": "NEG"},  # ends on E: not open at E
        {"cp_plan_id": "p3", "child_id": "n2", "start_date": "2023-06-01", "initial_category": "PHY"},
        {"cp_plan_id": "p4", "child_id": "s1", "start_date": "2024-04-01", "initial_category": "NEG"},
    ]
    t = run((2024, 4, 30), cp_plans=plans)
    e = D(2024, 3, 31)
    assert cell(t, "cp_neglect_share", e) == approx((1, 2.0, 50.0))
    assert cell(t, "cp_neglect_rate", e, "North") == approx((1, 10000.0, 1.0))
    assert cell(t, "cp_rate", e, "North") == approx((2, 10000.0, 2.0))
    assert cell(t, "cp_rate", e, "Unknown") == approx((0, 0.0, None))
    assert cell(t, "cp_rate", e) == approx((2, 18000.0, 2 / 18000 * 10000))
    # p2 open at the end of February, with p1 not yet started: n1 once
    assert cell(t, "cp_neglect_share", D(2024, 2, 29)) == approx((1, 2.0, 50.0))


def test_cp_repeat_any_earlier_plan_or_previous_plans():
    plans = [
        {"cp_plan_id": "old", "child_id": "n1", "start_date": "2015-01-01", "end_date": "2015-06-01",
         "initial_category": "PHY"},
        {"cp_plan_id": "a", "child_id": "n1", "start_date": "2024-05-01", "initial_category": "NEG"},
        {"cp_plan_id": "b", "child_id": "n2", "start_date": "2024-06-01", "initial_category": "NEG",
         "previous_cp_plans": 1},
        {"cp_plan_id": "c", "child_id": "s1", "start_date": "2024-07-01", "end_date": "2024-08-01",
         "initial_category": "EMO"},
        {"cp_plan_id": "d", "child_id": "s1", "start_date": "2024-07-01", "initial_category": "NEG",
         "previous_cp_plans": 0},  # same start as c: neither is earlier
    ]
    t = run((2025, 3, 31), cp_plans=plans)
    e = D(2025, 3, 31)
    assert cell(t, "cp_repeat", e) == approx((2, 4.0, 50.0))
    assert cell(t, "cp_repeat_neglect", e) == approx((2, 3.0, 200 / 3))
    assert cell(t, "cp_neglect_starts", e) == approx((3, None, 3.0))
    assert cell(t, "cp_neglect_starts", e, "South") == approx((1, None, 1.0))


def test_cp_repeat_2y_window_is_inclusive_at_24_months_and_ignores_previous_plans():
    plans = [
        {"cp_plan_id": "a0", "child_id": "n1", "start_date": "2021-01-01", "end_date": "2022-02-28",
         "initial_category": "PHY"},
        {"cp_plan_id": "a", "child_id": "n1", "start_date": "2024-02-29", "initial_category": "NEG"},
        {"cp_plan_id": "b0", "child_id": "n2", "start_date": "2021-01-01", "end_date": "2022-02-27",
         "initial_category": "PHY"},
        {"cp_plan_id": "b", "child_id": "n2", "start_date": "2024-02-29", "initial_category": "NEG",
         "previous_cp_plans": 3},
    ]
    t = run((2024, 3, 31), cp_plans=plans)
    assert cell(t, "cp_repeat_2y", D(2024, 3, 31)) == approx((1, 2.0, 50.0))
    assert cell(t, "cp_repeat_2y", D(2024, 3, 31), "North", "All") == approx((1, 2.0, 50.0))
    assert cell(t, "cp_repeat", D(2024, 3, 31)) == approx((2, 2.0, 100.0))
    t = compute_all(h.frames(children=CHILDREN, cp_plans=plans), D(2024, 3, 31),
                    repeat_window_months=12)
    # the earliest date is now 2021-01-01: periods from 2021-12-31
    assert cell(t, "cp_repeat_2y", D(2024, 3, 31)) == approx((0, 2.0, 0.0))


# -- referrals -----------------------------------------------------------------------------

def test_rereferral_twelve_months_before_and_same_day():
    refs = [
        {"referral_id": "a1", "child_id": "n1", "referral_date": "2023-02-28", "referral_source": "5A"},
        {"referral_id": "a2", "child_id": "n1", "referral_date": "2024-02-29", "referral_source": "5A"},
        {"referral_id": "b1", "child_id": "n2", "referral_date": "2023-02-27", "referral_source": "3A"},
        {"referral_id": "b2", "child_id": "n2", "referral_date": "2024-02-29", "referral_source": "3A"},
        {"referral_id": "c1", "child_id": "s1", "referral_date": "2024-03-05", "referral_source": "9"},
        {"referral_id": "c2", "child_id": "s1", "referral_date": "2024-03-05"},
    ]
    t = run((2025, 3, 31), referrals=refs)
    # E = 2025-01-31: 2024-02-01 .. 2025-01-31 holds a2, b2, c1, c2
    e = D(2025, 1, 31)
    assert cell(t, "rereferral", e) == approx((1, 4.0, 25.0))
    assert cell(t, "rereferral", e, "North", "POL") == approx((1, 1.0, 100.0))
    assert cell(t, "rereferral", e, "North", "HLT") == approx((0, 1.0, 0.0))
    assert cell(t, "rereferral", e, "South", "All") == approx((0, 2.0, 0.0))
    assert cell(t, "rereferral", e, "All", "VCS") == approx((0, 0.0, None))
    # 2024-02-29 is not in the window ending 2025-02-28 (it starts 2024-03-01)
    assert cell(t, "rereferral", D(2025, 2, 28)) == approx((0, 2.0, 0.0))


def test_unlisted_referral_source_counts_only_in_agency_all():
    refs = [{"referral_id": "x", "child_id": "n1", "referral_date": "2024-06-01",
             "referral_source": "9", "referral_nfa": True},
            {"referral_id": "y", "child_id": "n1", "referral_date": "2024-07-01",
             "referral_source": "2B", "referral_nfa": False}]
    t = run((2025, 3, 31), referrals=refs)
    e = D(2025, 3, 31)
    assert cell(t, "referral_nfa", e, "North", "All") == approx((1, 2.0, 50.0))
    assert cell(t, "referral_nfa", e, "North", "SCH") == approx((0, 1.0, 0.0))
    for agency in ("POL", "HLT", "VCS"):
        assert cell(t, "referral_nfa", e, "All", agency) == approx((0, 0.0, None))


def test_neglect_related_by_flag_factor_16a_or_plan_category():
    refs = [
        {"referral_id": "flag", "child_id": "n1", "referral_date": "2024-05-01", "neglect_flag": True,
         "referral_source": "5B"},
        {"referral_id": "fac", "child_id": "n2", "referral_date": "2024-05-01", "referral_source": "5A"},
        {"referral_id": "plan", "child_id": "s1", "referral_date": "2024-05-01"},
        {"referral_id": "none", "child_id": "s1", "referral_date": "2024-06-01", "neglect_flag": False},
        {"referral_id": "prev", "child_id": "n1", "referral_date": "2024-01-01"},
    ]
    assessments = [
        {"assessment_id": "a", "referral_id": "fac", "child_id": "n2", "start_date": "2024-05-02",
         "factors": ["3B", "16A"]},
        {"assessment_id": "b", "referral_id": "none", "child_id": "s1", "start_date": "2024-06-02",
         "factors": ["16B"]},
    ]
    plans = [{"cp_plan_id": "p", "referral_id": "plan", "child_id": "s1", "start_date": "2024-05-20",
              "initial_category": "PHY", "latest_category": "NEG"}]
    t = run((2025, 3, 31), referrals=refs, assessments=assessments, cp_plans=plans)
    e = D(2025, 3, 31)
    assert cell(t, "referrals_neglect", e) == approx((3, 20000.0, 1.5))
    assert cell(t, "referrals_neglect", e, "North", "POL") == approx((2, 12000.0, 2 / 12000 * 10000))
    assert cell(t, "referrals_neglect", e, "South", "All") == approx((1, 8000.0, 1.25))
    assert cell(t, "referrals_neglect", e, "Unknown", "All") == approx((0, 0.0, None))
    # the earlier referral of n1 was not neglect-related: it still makes a re-referral
    assert cell(t, "rereferral_neglect", e) == approx((1, 3.0, 100 / 3))
    assert cell(t, "rereferral", e) == approx((2, 4.0, 50.0))  # plan (2024-05-01) and none (2024-06-01)


# -- assessments, CIN, early help ----------------------------------------------------------

def test_assessment_timeliness_45_working_days_with_bank_holidays():
    # from 2024-12-02 (Mon): 45 working days after, skipping 25, 26 Dec and 1 Jan, is 2025-02-06
    asm = [
        {"assessment_id": "ok", "referral_id": "r", "child_id": "n1", "start_date": "2024-12-02",
         "authorised_date": "2025-02-06"},
        {"assessment_id": "late", "referral_id": "r", "child_id": "s1", "start_date": "2024-12-02",
         "authorised_date": "2025-02-07"},
        {"assessment_id": "open", "referral_id": "r", "child_id": "s1", "start_date": "2024-12-02"},
    ]
    refs = [{"referral_id": "r", "child_id": "n1", "referral_date": "2024-12-01"}]
    t = run((2025, 3, 31), referrals=refs, assessments=asm)
    assert working_days_after(D(2024, 12, 2), D(2025, 2, 6),
                              [D(2024, 12, 25), D(2024, 12, 26), D(2025, 1, 1)]) == 45
    assert cell(t, "assessment_timeliness", D(2025, 3, 31)) == approx((1, 2.0, 50.0))
    assert cell(t, "assessment_timeliness", D(2025, 3, 31), "South") == approx((0, 1.0, 0.0))
    assert cell(t, "assessment_timeliness", D(2025, 1, 31)) == approx((0, 0.0, None))


def test_cin_to_cp_neglect_window_from_cin_start_to_end_plus_7_days():
    refs = [{"referral_id": r, "child_id": c, "referral_date": "2024-01-01", "neglect_flag": True}
            for r, c in (("rn1", "n1"), ("rn2", "n2"), ("rs1", "s1"))]
    refs.append({"referral_id": "other", "child_id": "s1", "referral_date": "2024-01-02"})
    cin = [
        {"cin_plan_id": "c1", "referral_id": "rn1", "child_id": "n1", "start_date": "2024-02-01",
         "end_date": "2024-06-01"},
        {"cin_plan_id": "c2", "referral_id": "rn2", "child_id": "n2", "start_date": "2024-02-01",
         "end_date": "2024-06-01"},
        {"cin_plan_id": "c3", "referral_id": "rs1", "child_id": "s1", "start_date": "2024-02-01"},
        {"cin_plan_id": "c4", "referral_id": "other", "child_id": "s1", "start_date": "2024-02-01",
         "end_date": "2024-06-01"},
    ]
    plans = [
        {"cp_plan_id": "p1", "child_id": "n1", "start_date": "2024-06-08", "initial_category": "PHY"},
        {"cp_plan_id": "p2", "child_id": "n2", "start_date": "2024-06-09", "initial_category": "NEG"},
        {"cp_plan_id": "p3", "child_id": "s1", "start_date": "2024-03-01", "initial_category": "NEG"},
    ]
    t = run((2025, 3, 31), referrals=refs, cin_plans=cin, cp_plans=plans)
    assert cell(t, "cin_to_cp_neglect", D(2025, 3, 31)) == approx((1, 2.0, 50.0))
    assert cell(t, "cin_to_cp_neglect", D(2025, 3, 31), "South") == approx((0, 0.0, None))


def test_early_help_counts_and_percentages_by_lead_agency():
    eh = [
        {"episode_id": "e1", "child_id": "n1", "lead_agency": "SCH", "start_date": "2024-05-01",
         "assessment_date": "2024-05-10", "end_date": "2024-09-01", "neglect_identified": True,
         "end_reason": "OUTCOMES_MET"},
        {"episode_id": "e2", "child_id": "n2", "lead_agency": "sch", "start_date": "2024-05-01",
         "end_date": "2024-09-01", "neglect_identified": True, "end_reason": "STEP_UP_CSC"},
        {"episode_id": "e3", "child_id": "s1", "lead_agency": "XYZ", "start_date": "2024-06-01",
         "assessment_date": "2024-06-02", "end_date": "2024-10-01", "end_reason": "STEP_UP_CSC"},
        {"episode_id": "e4", "child_id": "s1", "lead_agency": "VCS", "start_date": "2024-06-01",
         "neglect_identified": True},
    ]
    t = run((2025, 3, 31), early_help=eh)
    e = D(2025, 3, 31)
    assert cell(t, "eh_neglect_starts", e) == approx((3, None, 3.0))
    assert cell(t, "eh_neglect_starts", e, "North", "SCH") == approx((2, None, 2.0))
    assert cell(t, "eh_neglect_starts", e, "South", "VCS") == approx((1, None, 1.0))
    assert cell(t, "eh_assessments", e) == approx((2, None, 2.0))
    assert cell(t, "eh_assessments", e, "All", "SCH") == approx((1, None, 1.0))
    assert cell(t, "eh_neglect_outcomes_met", e) == approx((1, 2.0, 50.0))
    assert cell(t, "eh_step_up", e) == approx((2, 3.0, 200 / 3))
    assert cell(t, "eh_step_up", e, "South", "All") == approx((1, 1.0, 100.0))
    assert cell(t, "eh_step_up", e, "South", "SCH") == approx((0, 0.0, None))


# -- step-downs ----------------------------------------------------------------------------

def test_step_downs_rc9_and_rc7_inclusive_window():
    refs = [
        {"referral_id": "rc9", "child_id": "n1", "referral_date": "2024-04-01",
         "closure_date": "2024-06-10", "closure_reason": "RC9"},
        {"referral_id": "rc7a", "child_id": "n2", "referral_date": "2024-04-01",
         "closure_date": "2024-06-10", "closure_reason": "RC7"},
        {"referral_id": "rc7b", "child_id": "s1", "referral_date": "2024-04-01",
         "closure_date": "2024-06-10", "closure_reason": "RC7"},
        {"referral_id": "rc7c", "child_id": "s1", "referral_date": "2024-07-01",
         "closure_date": "2024-08-01", "closure_reason": "RC7"},
        {"referral_id": "rc1", "child_id": "n2", "referral_date": "2024-04-01",
         "closure_date": "2024-06-10", "closure_reason": "RC1"},
    ]
    eh = [
        {"episode_id": "a", "child_id": "n2", "lead_agency": "SCH", "start_date": "2024-06-03"},
        {"episode_id": "b", "child_id": "s1", "lead_agency": "SCH", "start_date": "2024-06-02"},
        {"episode_id": "c", "child_id": "s1", "lead_agency": "SCH", "start_date": "2024-08-29"},
        {"episode_id": "d", "child_id": "n2", "lead_agency": "SCH", "start_date": "2024-06-11"},
    ]
    t = run((2025, 3, 31), referrals=refs, early_help=eh)
    # rc9 yes; rc7a (EH 7 days before) yes; rc7b (8 days before) no; rc7c (28 days after) yes
    assert cell(t, "step_downs", D(2025, 3, 31)) == approx((3, None, 3.0))
    assert cell(t, "step_downs", D(2025, 3, 31), "South") == approx((1, None, 1.0))


def test_step_down_sustained_window_six_months_back_and_six_month_follow_up():
    refs = [
        # closed 2024-08-31, re-referred 2025-02-28 = closure + 6 months: not sustained
        {"referral_id": "a", "child_id": "n1", "referral_date": "2024-06-01",
         "closure_date": "2024-08-31", "closure_reason": "RC9"},
        {"referral_id": "a2", "child_id": "n1", "referral_date": "2025-02-28"},
        # closed 2024-08-30, re-referred 2025-03-01 > closure + 6 months: sustained
        {"referral_id": "b", "child_id": "n2", "referral_date": "2024-06-01",
         "closure_date": "2024-08-30", "closure_reason": "RC9"},
        {"referral_id": "b2", "child_id": "n2", "referral_date": "2025-03-01"},
        # closed 2024-03-31: outside the window for E = 2025-09-30 (2024-04-01 .. 2025-03-31)
        {"referral_id": "c", "child_id": "s1", "referral_date": "2024-01-01",
         "closure_date": "2024-03-31", "closure_reason": "RC9"},
    ]
    t = run((2025, 9, 30), referrals=refs)
    assert cell(t, "step_down_sustained", D(2025, 9, 30)) == approx((1, 2.0, 50.0))
    assert cell(t, "step_down_sustained", D(2025, 8, 31)) == approx((2, 3.0, 200 / 3))
    assert cell(t, "step_downs", D(2025, 9, 30)) == approx((0, None, 0.0))


# -- termly --------------------------------------------------------------------------------

def test_two_year_takeup_terms_and_postcode_override():
    tyo = [
        {"term": "2021-AUT", "child_id": "n1", "registered": True},
        {"term": "2021-AUT", "child_id": "n2", "registered": False, "postcode": "NS2 1AA"},
        {"term": "2021-AUT", "child_id": "s1", "registered": True, "postcode": "ZZ1 1ZZ"},
        {"term": "2021-AUT", "child_id": "nochild", "registered": True},
        {"term": "2025-SPR", "child_id": "n1", "registered": True},
    ]
    t = run((2025, 3, 30), two_year_olds=tyo)
    rows = t[t.indicator_id == "two_year_takeup"]
    assert sorted(set(rows.period_end)) == [D(2021, 12, 31)]  # before the first month; SPR not ended
    e = D(2021, 12, 31)
    assert cell(t, "two_year_takeup", e) == approx((3, 4.0, 75.0))
    assert cell(t, "two_year_takeup", e, "North") == approx((1, 1.0, 100.0))
    assert cell(t, "two_year_takeup", e, "South") == approx((0, 1.0, 0.0))
    assert cell(t, "two_year_takeup", e, "Unknown") == approx((2, 2.0, 100.0))


def test_persistent_absence_open_in_term_summed_rows_and_10_percent():
    eh = [
        # ends on the term's first day: not open in the autumn term
        {"episode_id": "a", "child_id": "n1", "lead_agency": "SCH", "start_date": "2024-01-01",
         "end_date": "2024-09-01"},
        {"episode_id": "b", "child_id": "n2", "lead_agency": "SCH", "start_date": "2024-12-31"},
        {"episode_id": "c", "child_id": "s1", "lead_agency": "SCH", "start_date": "2024-01-01",
         "end_date": "2024-09-02"},
        {"episode_id": "c2", "child_id": "s1", "lead_agency": "SCH", "start_date": "2024-10-01"},
    ]
    att = [
        {"child_id": "n1", "academic_year": "2024/25", "term": "AUT", "sessions_possible": 100,
         "sessions_missed": 50},
        {"child_id": "n2", "academic_year": "2024/25", "term": "AUT", "sessions_possible": 60,
         "sessions_missed": 5},
        {"child_id": "n2", "academic_year": "2024/25", "term": "AUT", "sessions_possible": 40,
         "sessions_missed": 5},  # 10 of 100 = 10%: persistent
        {"child_id": "s1", "academic_year": "2024/25", "term": "AUT", "sessions_possible": 100,
         "sessions_missed": 9},
        {"child_id": "s1", "academic_year": "2024/25", "term": "SUM", "sessions_possible": 100,
         "sessions_missed": 9},  # ends 2025-07-31, after the as-at date
    ]
    t = run((2025, 7, 30), early_help=eh, attendance=att)
    rows = t[t.indicator_id == "persistent_absence_eh"]
    assert sorted(set(rows.period_end)) == [D(2024, 12, 31)]
    assert cell(t, "persistent_absence_eh", D(2024, 12, 31)) == approx((1, 2.0, 50.0))
    assert cell(t, "persistent_absence_eh", D(2024, 12, 31), "South") == approx((0, 1.0, 0.0))


# -- neglect tools -------------------------------------------------------------------------

def test_neglect_tools_rescores_ordered_by_date_then_id_blank_grades_left_out():
    tools = [
        {"tool_assessment_id": "t2", "child_id": "n1", "tool": "GCP2", "agency": "SCH",
         "completed_date": "2024-05-01", "overall_grade": 4},
        {"tool_assessment_id": "t1", "child_id": "n1", "tool": "GCP2", "agency": "SCH",
         "completed_date": "2024-05-01", "overall_grade": 5},
        {"tool_assessment_id": "t3", "child_id": "n1", "tool": "GCP2", "agency": "HLT",
         "completed_date": "2024-06-01", "overall_grade": 3},  # vs t2 (4): improved
        {"tool_assessment_id": "t4", "child_id": "n1", "tool": "WECAN", "agency": "HLT",
         "completed_date": "2024-07-01", "overall_grade": 1},  # first WECAN: not a rescore
        {"tool_assessment_id": "t5", "child_id": "n1", "tool": "GCP2", "agency": "HLT",
         "completed_date": "2024-08-01"},  # blank: left out
        {"tool_assessment_id": "t6", "child_id": "n1", "tool": "GCP2", "agency": "ZZZ",
         "completed_date": "2024-09-01", "overall_grade": 2},  # previous (t5) blank: left out
        {"tool_assessment_id": "t7", "child_id": "s1", "tool": "NTK", "agency": "HLT",
         "completed_date": "2023-01-01", "overall_grade": 2},
        {"tool_assessment_id": "t8", "child_id": "s1", "tool": "NTK", "agency": "HLT",
         "completed_date": "2024-05-01", "overall_grade": 2},  # same grade: not improved
    ]
    t = run((2025, 3, 31), neglect_tools=tools)
    e = D(2025, 3, 31)
    # t1 -> t2 is a rescore (5 -> 4, improved), t2 -> t3 (4 -> 3, improved), t8 (2 -> 2)
    assert cell(t, "neglect_tools_improved", e) == approx((2, 3.0, 200 / 3))
    assert cell(t, "neglect_tools_improved", e, "All", "HLT") == approx((1, 2.0, 50.0))
    assert cell(t, "neglect_tools_improved", e, "North", "SCH") == approx((1, 1.0, 100.0))
    assert cell(t, "neglect_tools_completed", e) == approx((7, None, 7.0))
    assert cell(t, "neglect_tools_completed", e, "All", "HLT") == approx((4, None, 4.0))


def test_cin_to_cp_neglect_neglect_by_the_referrals_own_record_only():
    # r_plan is neglect-related only through the NEG plan that followed its CIN plan: out
    refs = [{"referral_id": "r_plan", "child_id": "n1", "referral_date": "2024-05-01"},
            {"referral_id": "r_fac", "child_id": "n2", "referral_date": "2024-05-01"}]
    asm = [{"assessment_id": "a", "referral_id": "r_fac", "child_id": "n2",
            "start_date": "2024-05-02", "factors": ["16A"]}]
    cin = [{"cin_plan_id": "k1", "referral_id": "r_plan", "child_id": "n1",
            "start_date": "2024-06-01", "end_date": "2024-09-01"},
           {"cin_plan_id": "k2", "referral_id": "r_fac", "child_id": "n2",
            "start_date": "2024-06-01", "end_date": "2024-09-01"}]
    plans = [{"cp_plan_id": "p1", "referral_id": "r_plan", "child_id": "n1",
              "start_date": "2024-09-03", "initial_category": "NEG"}]
    t = run((2025, 3, 31), referrals=refs, assessments=asm, cin_plans=cin, cp_plans=plans)
    assert cell(t, "cin_to_cp_neglect", D(2025, 3, 31)) == approx((0, 1.0, 0.0))
    assert cell(t, "referrals_neglect", D(2025, 3, 31))[0] == 2
