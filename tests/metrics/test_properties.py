"""Properties of indicator_values on random small partnerships (hypothesis):
All is the sum over localities, agency All is at least the sum over agencies, every
period x locality x agency row exists exactly once, and values follow from numerators and
denominators."""

from datetime import date, timedelta

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.runner import load_catalogue
from tests.metrics.conftest import Partnership

START = date(2022, 1, 1)
AGENCY_INDICATORS = {e["id"] for e in load_catalogue() if e["breakdown"] == "locality_agency"}
POSTCODES = ["NS1 1AA", "NS2 1AA", "NS1 9AB", None, "ZZ1 1ZZ"]
days = st.integers(min_value=0, max_value=1100)
children = st.integers(min_value=0, max_value=7)


def day(n: int) -> date:
    return START + timedelta(days=n)


partnerships = st.fixed_dictionaries({
    "postcodes": st.lists(st.sampled_from(POSTCODES), min_size=8, max_size=8),
    "referrals": st.lists(st.tuples(children, days, st.sampled_from(["5A", "3A", "2A", "9", None]),
                                    st.booleans(), st.sampled_from([None, "RC7", "RC9"]),
                                    st.integers(0, 60)), max_size=25),
    "plans": st.lists(st.tuples(children, days, st.one_of(st.none(), st.integers(1, 400)),
                                st.sampled_from(["NEG", "PHY"])), max_size=10),
    "episodes": st.lists(st.tuples(children, days, st.one_of(st.none(), st.integers(0, 300)),
                                   st.sampled_from(["HEA", "POL", "XXX"]), st.booleans(),
                                   st.sampled_from([None, "OUTCOMES_MET", "STEP_UP_CSC"])),
                         max_size=10),
    "tools": st.lists(st.tuples(children, days, st.one_of(st.none(), st.integers(1, 5)),
                                st.sampled_from(["HEA", "EDU"])), max_size=10),
    "terms": st.lists(st.tuples(children, st.sampled_from(["2023-SPR", "2023-AUT", "2024-SUM"]),
                                st.booleans(), st.sampled_from([None, "NS2 2BB", "XX"])),
                      max_size=8),
    "as_at_shift": st.integers(min_value=-200, max_value=0),
})


def build(data) -> Partnership:
    p = Partnership(duckdb.connect())
    for i, postcode in enumerate(data["postcodes"]):
        p.child(f"c{i}", postcode)
    for i, (c, d, source, nfa, reason, closed_after) in enumerate(data["referrals"]):
        p.referral(f"r{i}", f"c{c}", day(d), referral_source=source, referral_nfa=nfa,
                   neglect_flag=nfa, closure_reason=reason,
                   closure_date=day(d + closed_after) if reason else None)
    for i, (c, d, length, category) in enumerate(data["plans"]):
        p.cp_plan(f"p{i}", f"c{c}", day(d), day(d + length) if length else None, category)
    for i, (c, d, length, agency, neglect, reason) in enumerate(data["episodes"]):
        p.early_help(f"e{i}", f"c{c}", day(d), day(d + length) if length is not None else None,
                     agency=agency, neglect_identified=neglect, end_reason=reason,
                     assessment_date=day(d))
    for i, (c, d, grade, agency) in enumerate(data["tools"]):
        p.add("neglect_tools", {"tool_assessment_id": f"t{i}", "child_id": f"c{c}",
                                "tool": "GCP2", "agency": agency, "completed_date": day(d),
                                "overall_grade": grade})
    seen = set()
    for c, term, registered, postcode in data["terms"]:
        if (c, term) not in seen:
            seen.add((c, term))
            p.add("two_year_olds", {"term": term, "child_id": f"c{c}",
                                    "registered": registered, "postcode": postcode})
    p.add("referrals", {"referral_id": "first", "child_id": "c0", "referral_date": START})
    p.build(as_at=day(1100 + data["as_at_shift"]))
    return p


property_settings = settings(max_examples=6, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])


@property_settings
@given(partnerships)
def test_all_is_the_sum_of_the_localities(data):
    p = build(data)
    mismatches = p.rows("""
        select indicator_id, period_end, agency
        from indicator_values
        group by all
        having sum(numerator) filter (where locality = 'All')
                 <> sum(numerator) filter (where locality <> 'All')
            or coalesce(sum(denominator) filter (where locality = 'All'), 0)
                 <> coalesce(sum(denominator) filter (where locality <> 'All'), 0)
    """)
    assert mismatches == []
    short = p.rows("""
        select indicator_id, period_end, locality
        from indicator_values
        group by all
        having sum(numerator) filter (where agency = 'All')
                 < sum(numerator) filter (where agency <> 'All')
    """)
    assert short == []


def _published_months(p, entry) -> int:
    """Month ends with enough history for the indicator's look-back (spec "Month end")."""
    months = {"repeat_plan_window": 24}.get(entry.get("look_back_months", 0),
                                            entry.get("look_back_months", 0))
    first = p.rows("select first_window_start from int_run_dates")[0][0]
    starts = [r[0] for r in p.rows("select window_start from int_month_ends")]
    shifted = [date(s.year - (months - s.month + 12) // 12, (s.month - months - 1) % 12 + 1, 1)
               for s in starts]
    return sum(1 for s in shifted if s >= first)


@property_settings
@given(partnerships)
def test_every_row_exists_once_and_values_follow(data):
    p = build(data)
    assert p.result.rows == p.rows("select count(*) from indicator_values")[0][0]
    counts = dict(p.rows("select indicator_id, count(*) from indicator_values group by 1"))
    distinct = p.rows("select count(*) from (select distinct indicator_id, period_end, "
                      "locality, agency from indicator_values)")[0][0]
    assert distinct == p.result.rows
    for entry in load_catalogue():
        agencies = 5 if entry["id"] in AGENCY_INDICATORS else 1
        delivered = all(p.rows(f"select count(*) from src_{x}")[0][0]
                        for x in entry.get("extracts") or [])
        if not delivered:  # an extract it needs was not delivered: not computed, no rows
            periods = 0
        elif entry["frequency"] == "monthly":
            periods = _published_months(p, entry)
        else:
            periods = len(p.periods(entry["id"]))
        assert counts.get(entry["id"], 0) == periods * 4 * agencies, entry["id"]
    bad = p.rows("""
        select v.*
        from indicator_values v join indicator_catalogue c using (indicator_id)
        where v.numerator < 0
           or (c.unit = 'count' and (v.denominator is not null or v.value <> v.numerator))
           or (c.unit = 'percent' and v.denominator > 0
               and abs(v.value - 100.0 * v.numerator / v.denominator) > 1e-9)
           or (c.unit = 'percent' and v.numerator > v.denominator)
           or (c.unit <> 'count' and v.denominator = 0 and v.value is not null)
    """)
    assert bad == []
