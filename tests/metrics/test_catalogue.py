"""The catalogue, the SQL files and the tests agree: every indicator has a definition, one
SQL file that states its numerator and denominator, and a test file beside it."""

import re
from pathlib import Path

import pytest

from metrics.runner import INDICATOR_DIR, load_catalogue

CATALOGUE = load_catalogue()
TESTS = Path(__file__).parent

# the catalogue table of the spec (spec/indicators.md): id -> (unit, polarity, breakdown)
SPEC = {
    "cp_neglect_rate": ("rate", "lower", "locality"),
    "cp_neglect_share": ("percent", "lower", "locality"),
    "cp_rate": ("rate", "context", "locality"),
    "cp_neglect_starts": ("count", "lower", "locality"),
    "cp_repeat": ("percent", "lower", "locality"),
    "cp_repeat_neglect": ("percent", "lower", "locality"),
    "cp_repeat_2y": ("percent", "lower", "locality"),
    "rereferral": ("percent", "lower", "locality_agency"),
    "rereferral_neglect": ("percent", "lower", "locality_agency"),
    "referrals_neglect": ("rate", "lower", "locality_agency"),
    "referral_nfa": ("percent", "lower", "locality_agency"),
    "assessment_timeliness": ("percent", "higher", "locality"),
    "cin_to_cp_neglect": ("percent", "lower", "locality"),
    "cla_neglect_starts": ("count", "lower", "locality"),
    "eh_neglect_starts": ("count", "higher", "locality_agency"),
    "eh_assessments": ("count", "higher", "locality_agency"),
    "eh_neglect_outcomes_met": ("percent", "higher", "locality_agency"),
    "eh_step_up": ("percent", "lower", "locality_agency"),
    "step_downs": ("count", "higher", "locality"),
    "step_down_sustained": ("percent", "higher", "locality"),
    "two_year_takeup": ("percent", "higher", "locality"),
    "persistent_absence_eh": ("percent", "lower", "locality"),
    "neglect_tools_completed": ("count", "higher", "locality_agency"),
    "neglect_tools_improved": ("percent", "higher", "locality_agency"),
}
# "Further measures the strategies name" (spec/indicators.md)
FURTHER = {
    "cla_rate": ("rate", "lower", "locality"),
    "cla_neglect_rate": ("rate", "lower", "locality"),
    "cp_long": ("percent", "lower", "locality"),
    "referral_nfa_neglect": ("percent", "lower", "locality_agency"),
    "rereferral_after_assessment": ("percent", "lower", "locality_agency"),
    "attendance_eh": ("percent", "higher", "locality"),
    "persistent_absence_cin_cp": ("percent", "lower", "locality"),
    "tool_before_neglect_referral": ("percent", "higher", "locality_agency"),
}
# "The child's journey" (spec/indicators.md): id -> (unit, polarity, breakdown, extracts)
JOURNEY = {
    "contacts_rate": ("rate", "context", "locality_agency", ["contacts"]),
    "contact_to_referral": ("percent", "context", "locality_agency", ["contacts"]),
    "s47_rate": ("rate", "context", "locality", ["s47_enquiries"]),
    "icpc_timely": ("percent", "higher", "locality", ["s47_enquiries"]),
    "icpc_to_plan": ("percent", "context", "locality", ["s47_enquiries"]),
    "cp_reviews_timely": ("percent", "higher", "locality", ["cp_reviews", "cp_plans"]),
    "was_not_brought": ("percent", "lower", "locality_agency", ["health_appointments"]),
    "da_notifications_rate": ("rate", "context", "locality", ["police_notifications"]),
    "encompass_timely": ("percent", "higher", "locality", ["police_notifications"]),
    "cla_missing": ("percent", "lower", "locality", ["missing_episodes", "looked_after"]),
}


def test_catalogue_is_the_spec_tables_in_order():
    ids = [e["id"] for e in CATALOGUE]
    # every indicator of both spec tables, nothing else; the main table's order kept (the
    # further measures stand beside the indicator they extend on the pages)
    assert sorted(ids) == sorted([*SPEC, *FURTHER, *JOURNEY])
    assert [i for i in ids if i in SPEC] == list(SPEC)
    for entry in CATALOGUE:
        if entry["id"] in JOURNEY:
            wanted = JOURNEY[entry["id"]]
            assert (entry["unit"], entry["polarity"], entry["breakdown"],
                    entry["extracts"]) == wanted
            assert entry["group"] in ("Front door and conferences",
                                      "Health, police and missing children")
            continue
        wanted = SPEC.get(entry["id"]) or FURTHER[entry["id"]]
        assert (entry["unit"], entry["polarity"], entry["breakdown"]) == wanted
    termly = {e["id"] for e in CATALOGUE if e["frequency"] == "termly"}
    assert termly == {"two_year_takeup", "persistent_absence_eh", "attendance_eh",
                      "persistent_absence_cin_cp"}


@pytest.mark.parametrize("entry", CATALOGUE, ids=[e["id"] for e in CATALOGUE])
def test_each_indicator_has_sql_tests_and_labels(entry):
    sql = (INDICATOR_DIR / f"{entry['id']}.sql").read_text()
    assert sql.startswith(f"-- {entry['id']}: "), "the SQL file names its indicator first"
    assert re.search(r"^-- numerator:", sql, re.M)
    assert re.search(r"^-- denominator:", sql, re.M)
    assert "select * from final" in sql
    assert (TESTS / f"test_{entry['id']}.py").is_file()
    assert len(entry["definition"]) > 40
    assert entry["numerator"]
    assert (entry["denominator"] is None) == (entry["unit"] == "count")
    assert "strategies" not in entry  # seeds/strategies.csv alone maps strategies


@pytest.mark.indicators("cp_long", "cp_rate")
def test_a_comparator_that_is_not_the_same_measure_is_labelled(p):
    # the DfE's two-year CP figure counts plans ending in the year, not plans open at E
    p.build(as_at="2025-03-31")
    notes = dict(p.rows("select indicator_id, comparator_note from indicator_catalogue "
                        "where comparator_note is not null"))
    assert "plans ending in the year" in notes["cp_long"]
    assert "cp_rate" not in notes
