"""src rows that put both implementations on the nasty cases of spec/indicators.md.

``nasty()`` is one hand-written partnership where every boundary the spec names is hit
(each row says which); ``fuzz(seed)`` is a random small partnership with dates packed into a
short span so that same-day, month-end and leap-day coincidences happen often. Both return
``{extract: [row dicts]}`` for ``handmade.frames``; the values are what ingest would produce
(codes upper-case, Y/N as booleans).
"""

from __future__ import annotations

import datetime as dt
import random

D = dt.date


def nasty() -> dict[str, list[dict]]:
    children = [
        {"child_id": "n1", "postcode": "NS1 4AB"},      # North
        {"child_id": "n2", "postcode": "ns14ab"},       # North, after normalisation
        {"child_id": "n3", "postcode": "NS1"},          # outward code alone: North
        {"child_id": "s1", "postcode": "NS1 9ZZ"},      # sector NS1 9 wins: South
        {"child_id": "s2", "postcode": "NS2 3XY"},      # South
        {"child_id": "u1", "postcode": "NS14 1AB"},     # NS14 is not NS1: Unknown
        {"child_id": "u2", "postcode": None},           # blank: Unknown
        {"child_id": "u3", "postcode": "ZZ9 9ZZ"},      # unmatched: Unknown
        {"child_id": "n4", "postcode": "NS1 4AB"},      # only the leap-day pair below
        {"child_id": "s3", "postcode": "NS2 3XY"},      # only the same-day pair below
    ]
    referrals = [
        {"referral_id": "anchor", "child_id": "u2", "referral_date": "2023-01-01"},
        # leap day: 2024-02-29 - 12 months = 2023-02-28 (in), 2023-02-27 (out)
        {"referral_id": "L1", "child_id": "n4", "referral_date": "2023-02-28", "referral_source": "5A"},
        {"referral_id": "L2", "child_id": "n4", "referral_date": "2024-02-29", "referral_source": "5A",
         "neglect_flag": True},
        {"referral_id": "L3", "child_id": "n2", "referral_date": "2023-02-27", "referral_source": "3A"},
        {"referral_id": "L4", "child_id": "n2", "referral_date": "2024-02-29", "referral_source": "3A",
         "neglect_flag": True},
        {"referral_id": "L5", "child_id": "n2", "referral_date": "2025-02-28", "referral_source": "3B"},
        # same-day referrals: neither is a re-referral
        {"referral_id": "S1", "child_id": "s3", "referral_date": "2024-06-03", "referral_source": "2A",
         "referral_nfa": True},
        {"referral_id": "S2", "child_id": "s3", "referral_date": "2024-06-03", "referral_source": "9",
         "referral_nfa": False},
        # no source, unlisted source, blank flags
        {"referral_id": "B1", "child_id": "u1", "referral_date": "2024-07-01"},
        {"referral_id": "B2", "child_id": "u1", "referral_date": "2024-07-02", "referral_source": "10",
         "referral_nfa": True},
        # neglect-related through a 16A factor and through a plan's latest category
        {"referral_id": "F1", "child_id": "s2", "referral_date": "2024-05-01", "referral_source": "5B"},
        {"referral_id": "P1", "child_id": "n3", "referral_date": "2024-04-01", "referral_source": "5D"},
        # step-downs: RC9 with no early help; RC7 with early help at -7/-8/+28/+29 days
        {"referral_id": "D1", "child_id": "n1", "referral_date": "2024-03-01",
         "closure_date": "2024-08-31", "closure_reason": "RC9"},
        {"referral_id": "D2", "child_id": "n2", "referral_date": "2024-03-01",
         "closure_date": "2024-06-10", "closure_reason": "RC7"},
        {"referral_id": "D3", "child_id": "n3", "referral_date": "2024-03-01",
         "closure_date": "2024-06-10", "closure_reason": "RC7"},
        {"referral_id": "D4", "child_id": "s1", "referral_date": "2024-03-01",
         "closure_date": "2024-06-10", "closure_reason": "RC7"},
        {"referral_id": "D5", "child_id": "s2", "referral_date": "2024-03-01",
         "closure_date": "2024-06-10", "closure_reason": "RC7"},
        {"referral_id": "D6", "child_id": "u3", "referral_date": "2024-03-01",
         "closure_date": "2024-08-30", "closure_reason": "RC9", "referral_nfa": True},
        {"referral_id": "D7", "child_id": "u1", "referral_date": "2024-03-01",
         "closure_date": "2024-03-31", "closure_reason": "RC9"},
        # follow-ups: D1 re-referred exactly six months after closure (not sustained);
        # D6 one day later (sustained)
        {"referral_id": "R1", "child_id": "n1", "referral_date": "2025-02-28", "referral_source": "1A"},
        {"referral_id": "R2", "child_id": "u3", "referral_date": "2025-03-01", "referral_source": "1A"},
        {"referral_id": "R3", "child_id": "s2", "referral_date": "2024-06-10", "referral_source": "1A"},
        # CIN referrals (neglect-flagged)
        {"referral_id": "C1", "child_id": "n1", "referral_date": "2024-01-10", "neglect_flag": True},
        {"referral_id": "C2", "child_id": "s2", "referral_date": "2024-01-10", "neglect_flag": True},
        {"referral_id": "C3", "child_id": "u1", "referral_date": "2024-01-10", "neglect_flag": True},
        {"referral_id": "C4", "child_id": "n3", "referral_date": "2024-01-10", "neglect_flag": False},
    ]
    assessments = [
        {"assessment_id": "A1", "referral_id": "F1", "child_id": "s2", "start_date": "2024-05-02",
         "authorised_date": "2024-07-03", "factors": ["3B", "16A"]},
        # 45 working days after Mon 2024-12-02 (25, 26 Dec and 1 Jan off) is Thu 2025-02-06
        {"assessment_id": "A2", "referral_id": "L5", "child_id": "n1", "start_date": "2024-12-02",
         "authorised_date": "2025-02-06", "factors": ["21"]},
        {"assessment_id": "A3", "referral_id": "L5", "child_id": "n2", "start_date": "2024-12-02",
         "authorised_date": "2025-02-07", "factors": ["16B"]},
        # from Fri 2025-04-11: Good Friday 18 Apr, Easter Monday 21 Apr, 5 May off
        {"assessment_id": "A4", "referral_id": "L5", "child_id": "s1", "start_date": "2025-04-11",
         "authorised_date": "2025-06-18"},
        {"assessment_id": "A5", "referral_id": "L5", "child_id": "s1", "start_date": "2025-04-11",
         "authorised_date": "2025-06-19"},
        {"assessment_id": "A6", "referral_id": "L5", "child_id": "s1", "start_date": "2025-01-11"},
        # a 16A assessment makes a referral neglect-related even though the plan is not
        {"assessment_id": "A7", "referral_id": "S2", "child_id": "s3", "start_date": "2024-06-03",
         "authorised_date": "2024-06-03", "factors": ["16A"]},
    ]
    cin_plans = [
        {"cin_plan_id": "K1", "referral_id": "C1", "child_id": "n1", "start_date": "2024-02-01",
         "end_date": "2024-06-01"},  # CP starts end + 7: escalated
        {"cin_plan_id": "K2", "referral_id": "C2", "child_id": "s2", "start_date": "2024-02-01",
         "end_date": "2024-06-01"},  # CP starts end + 8: not
        {"cin_plan_id": "K3", "referral_id": "C3", "child_id": "u1", "start_date": "2024-02-01"},
        {"cin_plan_id": "K4", "referral_id": "C4", "child_id": "n3", "start_date": "2024-02-01",
         "end_date": "2024-06-01"},  # not neglect-related
        {"cin_plan_id": "K5", "referral_id": "C3", "child_id": "u1", "start_date": "2024-03-01",
         "end_date": "2024-03-31"},  # the CP started before this CIN plan: not escalated
        {"cin_plan_id": "K6", "referral_id": "C1", "child_id": "n1", "start_date": "2024-06-08",
         "end_date": "2024-07-01"},  # CP starts on the CIN start day: escalated
        {"cin_plan_id": "K7", "referral_id": "P1", "child_id": "n3", "start_date": "2024-04-02",
         "end_date": "2024-05-01"},  # neglect only by a plan's category: not in cin_to_cp_neglect
    ]
    cp_plans = [
        {"cp_plan_id": "Q1", "referral_id": "C1", "child_id": "n1", "start_date": "2024-06-08",
         "end_date": "2025-01-31", "initial_category": "NEG", "latest_category": "NEG",
         "previous_cp_plans": 0},  # ends on a month end: not open at 2025-01-31
        {"cp_plan_id": "Q2", "referral_id": "C2", "child_id": "s2", "start_date": "2024-06-09",
         "initial_category": "PHY", "latest_category": "NEG"},
        {"cp_plan_id": "Q3", "referral_id": "C3", "child_id": "u1", "start_date": "2024-02-15",
         "end_date": "2024-02-29", "initial_category": "EMO"},
        # repeat within 24 months: ended exactly start - 24 months (leap day clamp)
        {"cp_plan_id": "Q4", "referral_id": "P1", "child_id": "n3", "start_date": "2022-01-01",
         "end_date": "2022-02-28", "initial_category": "SAB", "latest_category": "SAB"},
        {"cp_plan_id": "Q5", "referral_id": "P1", "child_id": "n3", "start_date": "2024-02-29",
         "initial_category": "MUL", "latest_category": "NEG"},
        {"cp_plan_id": "Q6", "child_id": "s1", "start_date": "2022-01-01", "end_date": "2022-02-27",
         "initial_category": "NEG"},
        {"cp_plan_id": "Q7", "child_id": "s1", "start_date": "2024-02-29", "end_date": "2024-03-31",
         "initial_category": "NEG", "previous_cp_plans": 2},  # starts and ends on month ends
        {"cp_plan_id": "Q8", "child_id": "u3", "start_date": "2024-03-31",
         "initial_category": "NEG", "previous_cp_plans": 0},
        {"cp_plan_id": "Q9", "child_id": "ghost", "start_date": "2024-10-31",
         "initial_category": "NEG"},  # no children row: Unknown
        # one plan ends on the day the next starts: a repeat (earlier start) but not within
        # 24 months, which needs end_date < start
        {"cp_plan_id": "Q10", "child_id": "n4", "start_date": "2023-06-01", "end_date": "2024-05-01",
         "initial_category": "PHY"},
        {"cp_plan_id": "Q11", "child_id": "n4", "start_date": "2024-05-01", "initial_category": "NEG"},
    ]
    looked_after = [
        {"period_id": "LA1", "child_id": "n1", "start_date": "2024-04-01", "category_of_need": "N1"},
        {"period_id": "LA2", "child_id": "s1", "start_date": "2024-03-31", "end_date": "2024-04-01",
         "category_of_need": "N1"},
        {"period_id": "LA3", "child_id": "s2", "start_date": "2024-02-29", "category_of_need": "N2"},
        {"period_id": "LA4", "child_id": "ghost", "start_date": "2025-03-31", "category_of_need": "N1"},
    ]
    early_help = [
        {"episode_id": "E1", "child_id": "n2", "lead_agency": "SCH", "start_date": "2024-06-03",
         "assessment_date": "2024-06-20", "end_date": "2024-12-31", "neglect_identified": True,
         "source": "PARTNER", "end_reason": "OUTCOMES_MET"},          # D2 - 7 days
        {"episode_id": "E2", "child_id": "n3", "lead_agency": "HLT", "start_date": "2024-06-02",
         "end_date": "2024-09-01", "neglect_identified": True, "end_reason": "STEP_UP_CSC"},  # -8
        {"episode_id": "E3", "child_id": "s1", "lead_agency": "VCS", "start_date": "2024-07-08",
         "assessment_date": "2024-07-08", "neglect_identified": False, "source": "SELF"},  # +28
        {"episode_id": "E4", "child_id": "s2", "lead_agency": "POL", "start_date": "2024-07-09",
         "end_date": "2024-09-02", "neglect_identified": True, "end_reason": "DISENGAGED"},  # +29
        {"episode_id": "E5", "child_id": "ghost", "lead_agency": "ZZZ", "start_date": "2024-02-29",
         "assessment_date": "2025-02-28", "end_date": "2025-03-01", "neglect_identified": True,
         "end_reason": "OUTCOMES_MET"},
        {"episode_id": "E6", "child_id": "u1", "lead_agency": "SCH", "start_date": "2023-05-01",
         "end_date": "2024-09-01"},  # ends on the autumn term's first day: not open in it
        {"episode_id": "E7", "child_id": "n1", "lead_agency": "SCH", "start_date": "2024-12-31",
         "neglect_identified": None},  # starts on the autumn term's last day
    ]
    neglect_tools = [
        {"tool_assessment_id": "T2", "child_id": "n1", "tool": "GCP2", "agency": "SCH",
         "completed_date": "2024-05-01", "overall_grade": 4},
        {"tool_assessment_id": "T1", "child_id": "n1", "tool": "GCP2", "agency": "SCH",
         "completed_date": "2024-05-01", "overall_grade": 5},
        {"tool_assessment_id": "T3", "child_id": "n1", "tool": "GCP2", "agency": "HLT",
         "completed_date": "2024-06-01", "overall_grade": 3},
        {"tool_assessment_id": "T4", "child_id": "n1", "tool": "WECAN", "agency": "HLT",
         "completed_date": "2024-07-01", "overall_grade": 1},
        {"tool_assessment_id": "T5", "child_id": "n1", "tool": "GCP2", "agency": "HLT",
         "completed_date": "2024-08-01"},
        {"tool_assessment_id": "T6", "child_id": "n1", "tool": "GCP2", "agency": "ZZZ",
         "completed_date": "2024-09-01", "overall_grade": 2},
        {"tool_assessment_id": "T7", "child_id": "s1", "tool": "NTK", "agency": "HLT",
         "completed_date": "2022-12-31", "overall_grade": 3},
        {"tool_assessment_id": "T8", "child_id": "s1", "tool": "NTK", "agency": "POL",
         "completed_date": "2024-02-29", "overall_grade": 2},
        {"tool_assessment_id": "T9", "child_id": "ghost", "tool": "NTK", "agency": "VCS",
         "completed_date": "2025-03-31", "overall_grade": 1},
        {"tool_assessment_id": "T10", "child_id": "ghost", "tool": "NTK", "agency": "VCS",
         "completed_date": "2025-03-31", "overall_grade": 2},
        # same day: "T10" < "T9" as text, so T10 comes first and T9 (1 after 2) has improved
    ]
    two_year_olds = [
        {"term": "2022-AUT", "child_id": "n1", "registered": True},     # before the first month
        {"term": "2022-AUT", "child_id": "n2", "registered": False, "postcode": "NS2 1AA"},
        {"term": "2022-AUT", "child_id": "s1", "registered": True, "postcode": "ZZ1 1ZZ"},
        {"term": "2022-AUT", "child_id": "list-only", "registered": True},
        {"term": "2024-SPR", "child_id": "n1", "registered": True, "postcode": None},
        {"term": "2024-SPR", "child_id": "u2", "registered": False, "postcode": "ns1 9aa"},
        {"term": "2025-SUM", "child_id": "n1", "registered": True},     # ends after as-at
    ]
    attendance = [
        {"child_id": "u1", "academic_year": "2024/25", "term": "AUT", "sessions_possible": 100,
         "sessions_missed": 50},
        {"child_id": "n1", "academic_year": "2024/25", "term": "AUT", "sessions_possible": 60,
         "sessions_missed": 5},
        {"child_id": "n1", "academic_year": "2024/25", "term": "AUT", "sessions_possible": 40,
         "sessions_missed": 5},   # 10 of 100: exactly 10%
        {"child_id": "n2", "academic_year": "2024/25", "term": "AUT", "sessions_possible": 101,
         "sessions_missed": 10},  # just under 10%
        {"child_id": "n2", "academic_year": "2023/24", "term": "SUM", "sessions_possible": 30,
         "sessions_missed": 3},
        {"child_id": "n3", "academic_year": "2024/25", "term": "SPR", "sessions_possible": 30,
         "sessions_missed": 30},
        {"child_id": "ghost", "academic_year": "2024/25", "term": "SPR", "sessions_possible": 30,
         "sessions_missed": 29},
        {"child_id": "s2", "academic_year": "2024/25", "term": "SUM", "sessions_possible": 30,
         "sessions_missed": 9},   # SUM 2025 ends after the as-at date
    ]
    return {"children": children, "referrals": referrals, "assessments": assessments,
            "cin_plans": cin_plans, "cp_plans": cp_plans, "looked_after": looked_after,
            "early_help": early_help, "neglect_tools": neglect_tools,
            "two_year_olds": two_year_olds, "attendance": attendance}


def orphans() -> dict[str, list[dict]]:
    """Cross-file mismatches that load with a warning: a CIN plan whose referral_id is not in
    referrals although a neglect CP plan names that id; plans and episodes of children with no
    children row; a two-year-old listed with a malformed postcode."""
    return {
        "children": [{"child_id": "n1", "postcode": "NS1 4AB"},
                     {"child_id": "n2", "postcode": "NS2 1AA"}],
        "referrals": [{"referral_id": "r0", "child_id": "n1", "referral_date": "2023-01-01"},
                      {"referral_id": "r1", "child_id": "n2", "referral_date": "2024-01-05",
                       "neglect_flag": True}],
        "cin_plans": [
            {"cin_plan_id": "k1", "referral_id": "gone", "child_id": "n1",
             "start_date": "2024-02-01", "end_date": "2024-05-01"},
            {"cin_plan_id": "k2", "referral_id": "r1", "child_id": "nobody",
             "start_date": "2024-02-01", "end_date": "2024-05-01"},
        ],
        "cp_plans": [
            {"cp_plan_id": "p1", "referral_id": "gone", "child_id": "n1",
             "start_date": "2024-05-02", "initial_category": "NEG"},
            {"cp_plan_id": "p2", "referral_id": "r1", "child_id": "nobody",
             "start_date": "2024-05-08", "initial_category": "PHY"},
        ],
        "two_year_olds": [
            {"term": "2024-SPR", "child_id": "n1", "registered": True, "postcode": "NS1 AAA"},
            {"term": "2024-SPR", "child_id": "n2", "registered": True, "postcode": "ns1 9ab"},
        ],
    }


# -- random ------------------------------------------------------------------------------

POSTCODES = ["NS1 4AB", "ns14ab", "NS1", "NS1 9ZZ", "NS19ZZ", "NS2 3XY", "NS2", "NS14 1AB",
             None, "ZZ9 9ZZ", "NS1 AAA", "ns2  1aa"]
SOURCES = ["1A", "2A", "2B", "3A", "3B", "5A", "5B", "5C", "9", "10", None]
CATEGORIES = ["NEG", "PHY", "EMO", "SAB", "MUL"]
END_REASONS = ["OUTCOMES_MET", "STEP_UP_CSC", "DISENGAGED", "MOVED", "OTHER", None]
AGENCIES = ["POL", "HLT", "SCH", "VCS", "ZZZ"]


def _day(rng: random.Random, start: dt.date, days: int) -> dt.date:
    # month ends and leap days are over-represented on purpose
    pick = start + dt.timedelta(days=rng.randrange(days))
    if rng.random() < 0.2:
        nxt = (pick.replace(day=28) + dt.timedelta(days=4))
        pick = nxt - dt.timedelta(days=nxt.day)
    if rng.random() < 0.03:
        pick = D(2024, 2, 29)
    return pick


def _maybe(rng, value, p=0.7):
    return value if rng.random() < p else None


def fuzz(seed: int, children: int = 80) -> dict[str, list[dict]]:
    """A random partnership from 2023-01-01 to about 2025-06-30 that obeys the contracts."""
    rng = random.Random(seed)
    start, span = D(2023, 1, 1), 912
    kids = [f"k{i}" for i in range(children)]
    out: dict[str, list[dict]] = {k: [] for k in (
        "children", "referrals", "assessments", "cin_plans", "cp_plans", "looked_after",
        "early_help", "neglect_tools", "two_year_olds", "attendance")}
    for kid in kids:
        out["children"].append({"child_id": kid, "postcode": rng.choice(POSTCODES)})
    strangers = [f"x{i}" for i in range(5)]  # ids with no children row (allowed in some extracts)

    for i in range(children * 3):
        kid = rng.choice(kids)
        referral_date = _day(rng, start, span)
        closure = None
        reason = None
        if rng.random() < 0.7:
            closure = referral_date + dt.timedelta(days=rng.choice([0, 1, 7, 30, 45, 90, 200]))
            reason = rng.choice(["RC1", "RC7", "RC7", "RC8", "RC9", None])
        out["referrals"].append({
            "referral_id": f"r{i}", "child_id": kid, "referral_date": referral_date,
            "referral_source": rng.choice(SOURCES), "referral_nfa": _maybe(rng, rng.random() < 0.3),
            "closure_date": closure, "closure_reason": reason,
            "neglect_flag": _maybe(rng, rng.random() < 0.3),
        })
        if rng.random() < 0.6:
            a_start = referral_date + dt.timedelta(days=rng.choice([0, 1, 3]))
            authorised = _maybe(rng, a_start + dt.timedelta(days=rng.randrange(40, 80)), 0.85)
            factors = _maybe(rng, rng.sample(["16A", "3B", "4A", "21"], rng.randrange(1, 3)))
            if factors and "21" in factors:
                factors = ["21"]
            out["assessments"].append({
                "assessment_id": f"a{i}", "referral_id": f"r{i}", "child_id": kid,
                "start_date": a_start, "authorised_date": authorised, "factors": factors})
        if rng.random() < 0.3:
            c_start = referral_date + dt.timedelta(days=rng.randrange(0, 40))
            c_end = _maybe(rng, c_start + dt.timedelta(days=rng.randrange(0, 200)), 0.8)
            out["cin_plans"].append({"cin_plan_id": f"c{i}", "referral_id": f"r{i}",
                                     "child_id": kid, "start_date": c_start, "end_date": c_end})
        if rng.random() < 0.25:
            p_start = _day(rng, start - dt.timedelta(days=800), span + 800)
            p_end = _maybe(rng, p_start + dt.timedelta(days=rng.randrange(1, 500)), 0.75)
            out["cp_plans"].append({
                "cp_plan_id": f"p{i}", "referral_id": rng.choice([f"r{i}", None, f"r{i + 1}"]),
                "child_id": kid, "start_date": p_start, "end_date": p_end,
                "initial_category": rng.choice(CATEGORIES),
                "latest_category": _maybe(rng, rng.choice(CATEGORIES)),
                "previous_cp_plans": _maybe(rng, rng.choice([0, 0, 1, 2]), 0.6)})
        if rng.random() < 0.15:
            l_start = _day(rng, start, span)
            out["looked_after"].append({
                "period_id": f"l{i}", "child_id": rng.choice(kids + strangers),
                "start_date": l_start,
                "end_date": _maybe(rng, l_start + dt.timedelta(days=rng.randrange(0, 300)), 0.5),
                "category_of_need": rng.choice(["N1", "N1", "N2", "N4"])})
        if reason == "RC7" and rng.random() < 0.8:  # early help around the closure
            out["early_help"].append(_episode(rng, f"s{i}", kid,
                                              closure + dt.timedelta(days=rng.randrange(-10, 32))))

    for i in range(children * 2):
        e_start = _day(rng, start, span)
        out["early_help"].append(_episode(rng, f"e{i}", rng.choice(kids + strangers), e_start))

    for i in range(children * 2):
        out["neglect_tools"].append({
            "tool_assessment_id": f"t{rng.randrange(10_000)}-{i}",
            "child_id": rng.choice(kids[: children // 3]), "tool": rng.choice(["GCP2", "WECAN"]),
            "agency": rng.choice(AGENCIES), "completed_date": _day(rng, start, span),
            "overall_grade": _maybe(rng, rng.randrange(1, 6), 0.85)})

    for term in ("2023-SPR", "2023-AUT", "2024-SUM", "2025-SPR", "2025-AUT"):
        for kid in rng.sample(kids + strangers, 25):
            out["two_year_olds"].append({
                "term": term, "child_id": kid, "registered": rng.random() < 0.7,
                "postcode": rng.choice([None, None, None, "NS2 1AA", "ZZ1 1ZZ", "NS1 9AB",
                                         "NS1 AAA"])})

    for year, term in (("2022/23", "SUM"), ("2023/24", "AUT"), ("2023/24", "SPR"),
                       ("2024/25", "AUT"), ("2024/25", "SUM")):
        for kid in rng.sample(kids + strangers, 40):
            for _ in range(rng.choice([1, 1, 2])):
                possible = rng.choice([10, 20, 30, 100])
                missed = rng.choice([0, possible // 10, possible // 10 - 1, possible // 5, possible])
                out["attendance"].append({"child_id": kid, "academic_year": year, "term": term,
                                          "sessions_possible": possible,
                                          "sessions_missed": max(missed, 0)})
    return out


def _episode(rng, episode_id: str, kid: str, start: dt.date) -> dict:
    end = _maybe(rng, start + dt.timedelta(days=rng.randrange(0, 300)), 0.7)
    return {"episode_id": episode_id, "child_id": kid, "lead_agency": rng.choice(AGENCIES),
            "start_date": start,
            "assessment_date": _maybe(rng, start + dt.timedelta(days=rng.randrange(0, 40)), 0.6),
            "end_date": end, "neglect_identified": _maybe(rng, rng.random() < 0.5, 0.85),
            "source": rng.choice(["CSC_STEP_DOWN", "PARTNER", "SELF", None]),
            "end_reason": rng.choice(END_REASONS) if end else None}


def journey(seed: int, children: int = 80) -> dict[str, list[dict]]:
    """``fuzz(seed)`` with the child's journey extracts added (from their own random stream,
    so the rest is ``fuzz``'s partnership unchanged): contacts, section 47 enquiries with
    conferences on and around their targets and bank holidays, CP reviews on, before and
    after their due dates, appointments around early help and plan ends, notifications on
    the day and the day after, missing episodes on the first and last days of care."""
    out = fuzz(seed, children)
    rng = random.Random(seed + 7919)
    start, span = D(2023, 1, 1), 912
    kids = [c["child_id"] for c in out["children"]] + ["x0", "x1"]
    out["contacts"] = [{
        "contact_id": f"k{i}", "child_id": rng.choice(kids), "contact_date": _day(rng, start, span),
        "contact_source": rng.choice(SOURCES),
        "outcome": rng.choice(["REFERRAL", "REFERRAL", "EARLY_HELP", "INFO_ADVICE", "NFA", "OTHER"]),
    } for i in range(children * 3)]
    out["s47_enquiries"] = []
    for i in range(children * 2):
        s_start = _day(rng, start, span)
        icpc = _maybe(rng, s_start + dt.timedelta(days=rng.choice([0, 10, 18, 19, 20, 21, 22, 25, 30])), 0.6)
        target = _maybe(rng, s_start + dt.timedelta(days=rng.choice([19, 20, 21, 21])), 0.5)
        out["s47_enquiries"].append({
            "s47_id": f"s47-{i}", "child_id": rng.choice(kids), "start_date": s_start,
            "icpc_target_date": target, "icpc_date": icpc,
            "icpc_not_required": _maybe(rng, rng.random() < 0.2, 0.7)})
    # Christmas: 15 working days over the bank holidays
    for i, day in enumerate((D(2023, 12, 4), D(2023, 12, 8), D(2024, 12, 6), D(2024, 12, 13))):
        for extra in (24, 25, 26, 27, 28):
            out["s47_enquiries"].append({
                "s47_id": f"xmas-{i}-{extra}", "child_id": rng.choice(kids), "start_date": day,
                "icpc_date": day + dt.timedelta(days=extra)})
    # plans starting on and around conference days
    for enquiry in rng.sample(out["s47_enquiries"], 40):
        if enquiry["icpc_date"] is not None:
            out["cp_plans"].append({
                "cp_plan_id": f"icpc-plan-{enquiry['s47_id']}", "child_id": enquiry["child_id"],
                "start_date": enquiry["icpc_date"] + dt.timedelta(days=rng.choice([-1, 0, 3, 7, 8])),
                "initial_category": rng.choice(CATEGORIES)})
    # plans starting on month ends, reviewed exactly when due: a review's due date then
    # falls on month ends (2024-08-31 + 6 months = 2025-02-28)
    for i, day in enumerate((D(2023, 11, 30), D(2024, 2, 29), D(2024, 5, 31), D(2024, 8, 31),
                             D(2024, 3, 31), D(2023, 12, 31))):
        kid = rng.choice(kids)
        out["cp_plans"].append({"cp_plan_id": f"month-end-{i}", "child_id": kid,
                                "start_date": day, "initial_category": "NEG"})
    out["cp_reviews"] = []
    for plan in out["cp_plans"]:
        if plan["cp_plan_id"].startswith("month-end-"):
            due = _add_months(plan["start_date"], 3)
            out["cp_reviews"].append({"cp_plan_id": plan["cp_plan_id"], "review_date": due})
            continue
        review = plan["start_date"]
        for k in range(rng.choice([0, 1, 2, 3, 5])):
            months = 3 if k == 0 else 6
            due = _add_months(review, months)
            review = due + dt.timedelta(days=rng.choice([-20, -1, 0, 0, 1, 9]))
            out["cp_reviews"].append({"cp_plan_id": plan["cp_plan_id"], "review_date": review})
    out["cp_reviews"] = list({(r["cp_plan_id"], r["review_date"]): r
                              for r in out["cp_reviews"]}.values())
    spans = [(e["child_id"], e["start_date"], e.get("end_date"))
             for x in ("early_help", "cin_plans", "cp_plans") for e in out[x]]
    out["health_appointments"] = []
    for i in range(children * 4):
        kid, s, e = rng.choice(spans)
        day = rng.choice([s, s - dt.timedelta(days=1), e or s, (e or s) + dt.timedelta(days=1),
                          _day(rng, start, span)])
        out["health_appointments"].append({
            "appointment_id": f"h{i}", "child_id": kid,
            "agency": rng.choice(AGENCIES), "appointment_date": day,
            "service": rng.choice(["HEALTH_VISITING", "DENTAL", "CAMHS"]),
            "outcome": rng.choice(["ATTENDED", "ATTENDED", "WAS_NOT_BROUGHT",
                                   "CANCELLED_BY_FAMILY", "CANCELLED_BY_SERVICE"])})
    out["police_notifications"] = []
    for i in range(children * 2):
        day = _day(rng, start, span)
        out["police_notifications"].append({
            "notification_id": f"n{i}", "child_id": rng.choice(kids), "incident_date": day,
            "kind": rng.choice(["DOMESTIC_ABUSE", "DOMESTIC_ABUSE", "MISSING", "OTHER"]),
            "school_notified_date": _maybe(rng, day + dt.timedelta(days=rng.choice([0, 1, 1, 2, 5])))})
    out["missing_episodes"] = []
    seen = set()
    for period in out["looked_after"]:
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            end = period["end_date"]
            day = rng.choice([period["start_date"], period["start_date"] - dt.timedelta(days=1),
                              end or period["start_date"],
                              (end or period["start_date"]) + dt.timedelta(days=1),
                              _day(rng, start, span)])
            kind = rng.choice(["M", "M", "A"])
            if (period["child_id"], day, kind) in seen:
                continue
            seen.add((period["child_id"], day, kind))
            out["missing_episodes"].append({
                "child_id": period["child_id"], "kind": kind, "start_date": day,
                "end_date": _maybe(rng, day + dt.timedelta(days=rng.choice([0, 1, 4])))})
    return out


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = (dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month + 1, min(day.day, last))
