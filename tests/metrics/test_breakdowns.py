"""indicator_breakdowns: the partnership figure of the indicators about children by age band,
sex, ethnicity group and disability, and of the neglect-tool indicators by tool.

Age is in whole years at the month end for a snapshot and at the record's own date for an
event; a child is a year older on the birthday itself; unborn = before the date of birth
(or, with none, before the expected date of birth). Categories are complete, so they sum
to All, which is the published partnership figure.
"""

from datetime import date

import pytest

E = date(2025, 3, 31)


def breakdown(p, indicator, dimension, period=E) -> dict[str, tuple]:
    return {category: (n, d, v, s) for category, n, d, v, s in p.rows(
        "select category, numerator, denominator, value, suppressed from indicator_breakdowns "
        "where indicator_id = ? and dimension = ? and period_end = ?",
        [indicator, dimension, period])}


def numerators(p, indicator, dimension, period=E) -> dict[str, int]:
    return {c: row[0] for c, row in breakdown(p, indicator, dimension, period).items()}


@pytest.mark.indicators("cp_rate")
def test_age_at_the_month_end_turns_on_the_birthday_itself(p):
    p.anchor("2024-01-01")
    p.child("five_today", date_of_birth="2020-03-31").cp_plan("a", "five_today", "2025-01-01")
    p.child("five_tomorrow", date_of_birth="2020-04-01").cp_plan("b", "five_tomorrow",
                                                                   "2025-01-01")
    p.child("sixteen", date_of_birth="2009-03-31").cp_plan("c", "sixteen", "2025-01-01")
    p.child("fifteen", date_of_birth="2009-04-01").cp_plan("d", "fifteen", "2025-01-01")
    p.child("ten", date_of_birth="2015-03-31").cp_plan("e", "ten", "2025-01-01")
    p.build(as_at="2025-04-30")
    ages = numerators(p, "cp_rate", "age_band")
    assert ages == {"All": 5, "Unborn": 0, "Under 1": 0, "1-4": 1, "5-9": 1, "10-15": 2,
                    "16-17": 1, "18 and over": 0, "Not known": 0}


@pytest.mark.indicators("cp_rate")
def test_unborn_at_the_month_end_then_born_the_next(p):
    p.anchor("2024-01-01")
    # a plan for an unborn baby: born 10 April 2025 (the date of birth is known now)
    p.child("baby", date_of_birth="2025-04-10").cp_plan("a", "baby", "2025-02-01")
    # never born by the data's date of birth: expected date only
    p.child("expected", expected_date_of_birth="2025-05-01").cp_plan("b", "expected",
                                                                        "2025-02-01")
    # expected date passed, no date of birth recorded: age not known
    p.child("overdue", expected_date_of_birth="2025-01-01").cp_plan("c", "overdue",
                                                                       "2025-02-01")
    p.child("no_dates").cp_plan("d", "no_dates", "2025-02-01")
    p.build(as_at="2025-05-31")
    march = numerators(p, "cp_rate", "age_band")
    assert (march["Unborn"], march["Under 1"], march["Not known"]) == (2, 0, 2)
    april = numerators(p, "cp_rate", "age_band", date(2025, 4, 30))
    assert (april["Unborn"], april["Under 1"], april["Not known"]) == (1, 1, 2)


@pytest.mark.indicators("cp_neglect_starts", "cp_rate")
def test_an_event_takes_the_age_at_the_record_date(p):
    p.anchor("2024-01-01")
    # plan started the day before the fifth birthday: 1-4 for cp_neglect_starts, though
    # the child is 5 at the month end (cp_rate's snapshot)
    p.child("a", date_of_birth="2020-03-15").cp_plan("a1", "a", "2025-03-14")
    p.child("b", date_of_birth="2020-03-15").cp_plan("b1", "b", "2025-03-15")
    p.build(as_at="2025-04-30")
    starts = numerators(p, "cp_neglect_starts", "age_band")
    assert (starts["1-4"], starts["5-9"]) == (1, 1)
    assert numerators(p, "cp_rate", "age_band")["5-9"] == 2


@pytest.mark.indicators("cp_rate")
def test_under_1_ends_on_the_first_birthday_as_the_dfe_bands_do(p):
    """DfE bands: unborn, under 1, 1-4, 5-9, 10-15, 16-17 (then 18 and over, not known)."""
    p.anchor("2024-01-01")
    p.child("born_today", date_of_birth="2025-03-31").cp_plan("a", "born_today", "2025-01-01")
    p.child("one_tomorrow", date_of_birth="2024-04-01").cp_plan("b", "one_tomorrow",
                                                                  "2025-01-01")
    p.child("one_today", date_of_birth="2024-03-31").cp_plan("c", "one_today", "2025-01-01")
    p.child("four", date_of_birth="2020-04-01").cp_plan("d", "four", "2025-01-01")
    p.build(as_at="2025-04-30")
    ages = numerators(p, "cp_rate", "age_band")
    assert list(ages) == ["All", "Unborn", "Under 1", "1-4", "5-9", "10-15", "16-17",
                          "18 and over", "Not known"]
    assert (ages["Unborn"], ages["Under 1"], ages["1-4"]) == (0, 2, 2)


@pytest.mark.indicators("rereferral")
def test_sex_ethnicity_and_disability_groups_sum_to_all(p):
    p.anchor("2022-01-01")  # re-referrals look back 12 months before their window
    rows = [("m_white", "M", "WIRT", True), ("f_mixed", "F", "MWAS", False),
            ("u_chinese", "U", "CHNE", None), ("blank", None, None, None),
            ("f_black", "F", "BAFR", True), ("f_refused", "F", "REFU", False)]
    for child, sex, ethnicity, disabled in rows:
        p.child(child, sex=sex, ethnicity=ethnicity, disability=disabled)
        p.referral(f"r_{child}", child, "2025-02-01", neglect_flag=True)
    p.build(as_at="2025-04-30")
    assert numerators(p, "rereferral", "sex") == {
        "All": 0, "Female": 0, "Male": 0, "Not known": 0}
    denominators = {c: row[1] for c, row in breakdown(p, "rereferral", "sex").items()}
    assert denominators == {"All": 6, "Female": 3, "Male": 1, "Not known": 2}
    ethnicity = {c: row[1] for c, row in breakdown(p, "rereferral", "ethnicity").items()}
    assert ethnicity == {"All": 6, "White": 1, "Mixed": 1, "Asian or Asian British": 0,
                         "Black or Black British": 1, "Other ethnic group": 1, "Not known": 2}
    disability = {c: row[1] for c, row in breakdown(p, "rereferral", "disability").items()}
    assert disability == {"All": 6, "Disabled": 2, "Not disabled": 2, "Not known": 2}


@pytest.mark.indicators("eh_neglect_starts")
def test_a_child_with_no_children_row_is_not_known_everywhere(p):
    p.anchor("2024-01-01")
    p.child("known", date_of_birth="2012-01-01", sex="M")
    p.early_help("e1", "known", "2024-09-01", neglect_identified=True)
    p.early_help("e2", "ghost", "2024-09-01", neglect_identified=True)  # no children row
    p.build(as_at="2025-04-30")
    assert numerators(p, "eh_neglect_starts", "sex") == {
        "All": 2, "Female": 0, "Male": 1, "Not known": 1}
    age = numerators(p, "eh_neglect_starts", "age_band")
    assert (age["10-15"], age["Not known"]) == (1, 1)


@pytest.mark.indicators("cp_rate", "cp_neglect_share")
def test_rates_are_broken_down_as_counts_and_percentages_keep_their_denominators(p):
    p.anchor("2024-01-01")
    for i in range(8):
        p.child(f"c{i}", sex="F" if i < 6 else "M")
        p.cp_plan(f"p{i}", f"c{i}", "2025-01-01", category="NEG" if i % 2 else "PHY")
    p.build(as_at="2025-04-30", threshold=0)
    rate = breakdown(p, "cp_rate", "sex")
    assert rate["Female"] == (6, None, 6.0, False)
    assert rate["All"] == (8, None, 8.0, False)
    share = breakdown(p, "cp_neglect_share", "sex")
    assert share["Female"] == (3, 6.0, pytest.approx(50.0), False)
    assert share["Male"] == (1, 2.0, pytest.approx(50.0), False)
    assert share["All"][:2] == (4, 8.0)


@pytest.mark.indicators("neglect_tools_completed", "neglect_tools_improved")
def test_by_tool_restricts_each_tool_to_its_own_assessments(p):
    p.anchor("2024-01-01")
    p.child("a")
    for ident, tool, day, grade in [("t1", "GCP2", "2024-06-01", 4), ("t2", "WECAN", "2024-07-01", 5),
                                    ("t3", "GCP2", "2024-08-01", 3), ("t4", "WECAN", "2024-09-01", 5),
                                    ("t5", "NTK", "2023-01-01", 2)]:
        p.add("neglect_tools", {"tool_assessment_id": ident, "child_id": "a", "tool": tool,
                                "agency": "HEA", "completed_date": day, "overall_grade": grade})
    p.build(as_at="2025-04-30", threshold=0)
    completed = numerators(p, "neglect_tools_completed", "tool")
    assert completed == {"All": 4, "GCP2": 2, "NTK": 0, "WECAN": 2}
    improved = {c: row[:2] for c, row in breakdown(p, "neglect_tools_improved", "tool").items()}
    # GCP2 4 -> 3 improves; WECAN 5 -> 5 does not (and is not compared with GCP2's 3)
    assert improved == {"All": (1, 2.0), "GCP2": (1, 1.0), "NTK": (0, 0.0), "WECAN": (0, 1.0)}


def test_breakdowns_sum_to_the_published_all_for_every_indicator_and_period(p):
    p.anchor("2023-01-01")
    for i in range(30):
        dob = f"{2008 + i % 17}-0{1 + i % 9}-15"
        p.child(f"c{i}", date_of_birth=dob, sex="MFU"[i % 3], ethnicity=["WBRI", "APKN", None][i % 3],
                disability=[True, False, None][i % 3])
        p.referral(f"r{i}", f"c{i}", f"2024-{1 + i % 12:02d}-10", neglect_flag=i % 2 == 0,
                   referral_source="5A")
        p.referral(f"s{i}", f"c{i}", f"2024-{1 + (i + 4) % 12:02d}-20")
        p.cp_plan(f"p{i}", f"c{i}", f"2023-{1 + i % 12:02d}-05",
                  f"2024-{1 + i % 12:02d}-05" if i % 4 else None)
        p.care(f"l{i}", f"c{i}", f"2024-0{1 + i % 9}-01", need="N1" if i % 2 else "N2")
        p.early_help(f"e{i}", f"c{i}", f"2024-0{1 + i % 9}-01", f"2024-1{i % 3}-01",
                     neglect_identified=True, end_reason="OUTCOMES_MET" if i % 3 else "STEP_UP_CSC")
        p.attended(f"c{i}", 120, i)
    p.build(as_at="2025-03-31", threshold=0)
    mismatches = p.rows("""
        select b.indicator_id, b.period_end, b.dimension,
               sum(b.numerator) filter (where b.category <> 'All') as categories,
               any_value(b.numerator) filter (where b.category = 'All') as all_of_them,
               any_value(v.numerator) as published
        from indicator_breakdowns b
        join indicator_values v on v.indicator_id = b.indicator_id
            and v.period_end = b.period_end and v.locality = 'All' and v.agency = 'All'
        group by all
        having categories <> all_of_them or all_of_them <> published""")
    assert mismatches == []
    covered = {r[0] for r in p.rows("select distinct indicator_id from indicator_breakdowns "
                                    "where numerator > 0 and category <> 'All'")}
    assert {"cp_rate", "cp_long", "rereferral", "cla_rate", "eh_step_up",
            "persistent_absence_eh", "attendance_eh", "cin_to_cp_neglect"} - covered <= {
        "cin_to_cp_neglect"}
    denominators = p.rows("""
        select b.indicator_id, b.period_end, b.dimension
        from indicator_breakdowns b join indicator_catalogue c using (indicator_id)
        where c.unit = 'percent'
        group by all
        having sum(b.denominator) filter (where b.category <> 'All')
            <> any_value(b.denominator) filter (where b.category = 'All')""")
    assert denominators == []


def test_indicators_not_about_children_have_no_characteristics(p):
    p.anchor("2022-01-01")
    p.build(as_at="2025-04-30")
    ids = {r[0] for r in p.rows("select distinct indicator_id from indicator_breakdowns")}
    assert "two_year_takeup" not in ids and "assessment_timeliness" not in ids
    assert {"cp_rate", "rereferral", "cla_rate", "eh_neglect_starts",
            "neglect_tools_completed"} <= ids
    dims = {r[0] for r in p.rows("select distinct dimension from indicator_breakdowns "
                                 "where indicator_id = 'neglect_tools_completed'")}
    assert dims == {"tool"}
