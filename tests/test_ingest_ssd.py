"""Standard Safeguarding Dataset exports: every mapped table, an unknown table, a missing
required column."""

from __future__ import annotations

import datetime as dt

from tests.support.census import write
from tests.support.ingesting import Ingesting, report

KEY = b"ssd-test-key-not-secret-0123456789abc"
INGEST = Ingesting(KEY)
pid, run = INGEST.pid, INGEST.run


def csv_text(*lines: str) -> str:
    return "\n".join(lines) + "\n"


TABLES = {
    "ssd_person.csv": csv_text(
        "pers_person_id,pers_forename,pers_sex,pers_ethnicity,pers_dob,pers_expected_dob",
        "P1,Ann,F,WBRI,2015-03-27 00:00:00.000,",
        "P2,Ben,M,BAFR,,2025-09-01",
        "P3,Cal,U,,2012-01-02,"),
    "ssd_disability.csv": csv_text(
        "disa_table_id,disa_person_id,disa_disability_code",
        "D1,P1,NONE", "D2,P2,NONE", "D3,P2,AUT"),
    "ssd_address.csv": csv_text(
        "addr_table_id,addr_person_id,addr_address_type,addr_address_start_date,"
        "addr_address_end_date,addr_address_postcode",
        "A1,P1,HOME,2015-03-27,2020-01-01,NS2 1AB",
        "A2,P1,HOME,2020-01-01,,NS1 4CD"),
    "ssd_cin_episodes.csv": csv_text(
        "cine_referral_id,cine_person_id,cine_referral_date,cine_cin_primary_need_code,"
        "cine_referral_source_code,cine_referral_nfa,cine_close_reason,cine_close_date",
        "R1,P1,2024-05-10 00:00:00,N1,3A,N,RC1,2024-08-01 00:00:00",
        "R2,P1,2024-10-01,N2,1A,Yes,,",
        "R3,P9,2024-10-01,N9,ZZ,N,,"),
    "ssd_cin_assessments.csv": csv_text(
        "cina_assessment_id,cina_person_id,cina_referral_id,cina_assessment_start_date,"
        "cina_assessment_auth_date",
        "A1,P1,R1,2024-05-11,2024-06-01", "A2,P1,R1,2024-06-02,", "A3,P1,R1,2024-06-03,"),
    "ssd_assessment_factors.csv": csv_text(
        "cinf_table_id,cinf_assessment_id,cinf_assessment_factors_json",
        'F1,A1,"[""16A"",""3A""]"', 'F2,A2,"{""1A"": ""Yes"", ""2B"": ""No""}"',
        "F3,A3,21"),
    "ssd_cin_plans.csv": csv_text(
        "cinp_cin_plan_id,cinp_referral_id,cinp_person_id,cinp_cin_plan_start_date,"
        "cinp_cin_plan_end_date",
        "CP1,R1,P1,2024-06-05,2024-07-01"),
    "ssd_cp_plans.csv": csv_text(
        "cppl_cp_plan_id,cppl_referral_id,cppl_icpc_id,cppl_person_id,cppl_cp_plan_start_date,"
        "cppl_cp_plan_end_date,cppl_cp_plan_initial_category,cppl_cp_plan_ola,"
        "cppl_cp_plan_latest_category",
        "PP1,R1,I1,P1,2024-07-02,,NEG,N,EMO"),
    "ssd_cla_episodes.csv": csv_text(
        "clae_cla_episode_id,clae_person_id,clae_cla_episode_start_date,"
        "clae_cla_episode_start_reason,clae_cla_primary_need_code,clae_cla_episode_ceased_date,"
        "clae_cla_episode_ceased_reason",
        "E1,P3,2024-01-01,S,N1,2024-03-01,X1", "E2,P3,2024-03-01,P,N2,2024-09-30,E11",
        "E3,P2,2024-02-01,P,N1,,", "E4,P3,2024-10-01,P,N1,,"),
    "ssd_early_help_episodes.csv": csv_text(
        "earl_episode_id,earl_person_id,earl_episode_start_date,earl_episode_end_date,"
        "earl_episode_reason,earl_episode_end_reason,earl_episode_organisation",
        "EH1,P1,2024-01-01,2024-04-01,neglect,OUTCOMES_MET,HV"),
}


def test_every_mapped_table(folders):
    inbox, seeds = folders
    for name, text in TABLES.items():
        write(inbox, name, text)
    con, result = run(inbox, seeds)
    assert con.execute("select child_id, date_of_birth, expected_date_of_birth, sex, ethnicity, "
                       "disability, postcode from src_children order by sex").fetchall() == [
        (pid("P1"), dt.date(2015, 3, 27), None, "F", "WBRI", False, "NS1 4CD"),
        (pid("P2"), None, dt.date(2025, 9, 1), "M", "BAFR", True, None),
        (pid("P3"), dt.date(2012, 1, 2), None, "U", None, None, None)]
    assert con.execute("select referral_id, child_id, referral_date, referral_source, "
                       "primary_need, referral_nfa, closure_date, closure_reason, neglect_flag "
                       "from src_referrals order by referral_date").fetchall() == [
        (pid("R1"), pid("P1"), dt.date(2024, 5, 10), "3A", "N1", False, dt.date(2024, 8, 1),
         "RC1", None),
        (pid("R2"), pid("P1"), dt.date(2024, 10, 1), "1A", "N2", True, None, None, None)]
    # R3: an unknown referral source and primary need, and a child not in ssd_person
    assert con.execute("select file, line, rule, \"column\" from quarantine "
                       "where extract = 'referrals'").fetchall() == [
        ("ssd_cin_episodes.csv", 4, "unknown_code", "referral_source")]
    assert con.execute("select assessment_id, factors from src_assessments order by 1"
                       ).fetchall() == sorted([(pid("A1"), ["16A", "3A"]), (pid("A2"), ["1A"]),
                                               (pid("A3"), ["21"])])
    assert con.execute("select cin_plan_id, referral_id, start_date, end_date from src_cin_plans"
                       ).fetchall() == [(pid("CP1"), pid("R1"), dt.date(2024, 6, 5),
                                         dt.date(2024, 7, 1))]
    assert con.execute("select cp_plan_id, initial_category, latest_category, previous_cp_plans "
                       "from src_cp_plans").fetchall() == [(pid("PP1"), "NEG", "EMO", None)]
    # P2's first episode is not S: looked after since before the data begin, not a start
    assert con.execute("select period_id, start_date, end_date, category_of_need, starts_care "
                       "from src_looked_after order by start_date").fetchall() == [
        (pid("P3-2024-01-01"), dt.date(2024, 1, 1), dt.date(2024, 9, 30), "N1", True),
        (pid("P2-2024-02-01"), dt.date(2024, 2, 1), None, "N1", False)]
    assert con.execute("select file, line, rule, \"column\", value from quarantine "
                       "where extract = 'looked_after'").fetchall() == [
        ("ssd_cla_episodes.csv", 5, "no_open_period", "clae_cla_episode_start_reason", "P")]
    assert con.execute("select episode_id, lead_agency, start_date, end_date, end_reason "
                       "from src_early_help").fetchall() == [
        (pid("EH1"), "HV", dt.date(2024, 1, 1), dt.date(2024, 4, 1), "OUTCOMES_MET")]
    r = report(result, "children")
    assert (r["file"], r["source_format"]) == \
        ("ssd_person.csv + ssd_disability.csv + ssd_address.csv", "ssd")


def test_an_unknown_table_is_reported_not_loaded(folders):
    inbox, seeds = folders
    write(inbox, "ssd_person.csv", TABLES["ssd_person.csv"])
    write(inbox, "ssd_cin_visits.csv", "cinv_cin_visit_id,cinv_person_id\nK1,P1\n")
    _con, result = run(inbox, seeds)
    assert "ssd_cin_visits.csv" in result.ignored_files
    assert "SSD tables not used: ssd_cin_visits" in report(result, "children")["extra_columns"]


def test_a_missing_required_column_fails_that_table_only(folders):
    inbox, seeds = folders
    write(inbox, "ssd_person.csv", TABLES["ssd_person.csv"])
    write(inbox, "ssd_cin_episodes.csv", csv_text(
        "cine_referral_id,cine_person_id,cine_cin_primary_need_code", "R1,P1,N1"))
    con, result = run(inbox, seeds)
    r = report(result, "referrals")
    assert (r["status"], r["file"]) == ("failed", "ssd_cin_episodes.csv")
    assert r["message"] == "ssd_cin_episodes: missing required column: cine_referral_date"
    assert report(result, "children")["status"] == "loaded"
    assert con.execute("select count(*) from src_children").fetchall() == [(3,)]
