"""The child's journey in every input format that carries it: the census's Section47 and
Reviews, the SSDA903 ``missing`` table, the SSD tables (contacts, s47 enquiries and initial
conferences, CP reviews, missing), and agencies' parts of health appointments and police
notifications."""

from __future__ import annotations

import datetime as dt

from tests.support.census import child, episode, line_of, message, write
from tests.support.ingesting import Ingesting, report
from tests.support.samples import HEADERS

KEY = b"journey-test-key-not-secret-0123456789"
INGEST = Ingesting(KEY)
pid, run = INGEST.pid, INGEST.run
D = dt.date.fromisoformat

SECTION47 = """        <Section47>
          <S47ActualStartDate>{start}</S47ActualStartDate>
          <InitialCPCtarget>{target}</InitialCPCtarget>
          {icpc}
          <ICPCnotRequired>{nr}</ICPCnotRequired>
        </Section47>
"""
PLAN = """        <ChildProtectionPlans>
          <CPPstartDate>2024-06-12</CPPstartDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <Reviews>
            <CPPreviewDate>2024-09-10</CPPreviewDate>
            <CPPreviewDate>2025-03-01</CPPreviewDate>
          </Reviews>
        </ChildProtectionPlans>
"""


def test_census_section47_and_reviews(folders):
    inbox, seeds = folders
    body = (SECTION47.format(start="2024-05-20", target="2024-06-10",
                             icpc="<DateOfInitialCPC>2024-06-07</DateOfInitialCPC>", nr="false")
            + SECTION47.format(start="2024-05-28", target="2024-06-18", icpc="", nr="0")
            + "        <DateOfInitialCPC>2024-06-11</DateOfInitialCPC>\n"
            + SECTION47.format(start="2024-06-01", target="", icpc="", nr="true")
            .replace("<InitialCPCtarget></InitialCPCtarget>", "")
            + PLAN)
    text = message(child("C1", episode("2024-05-15", body)), year="2025",
                   reference_date="2025-03-31")
    write(inbox, "census_2025.xml", text)
    con, result = run(inbox, seeds)
    rows = con.execute("select s47_id, referral_id, child_id, start_date, icpc_target_date, "
                       "icpc_date, icpc_not_required from src_s47_enquiries "
                       "order by start_date").fetchall()
    ref = "C1-2024-05-15"
    assert rows == [
        (pid(f"{ref}-S1"), pid(ref), pid("C1"), D("2024-05-20"), D("2024-06-10"),
         D("2024-06-07"), False),
        # the second enquiry has no conference of its own, but it is not the last one: the
        # episode's DateOfInitialCPC fills only the last enquiry's blank conference date
        (pid(f"{ref}-S2"), pid(ref), pid("C1"), D("2024-05-28"), D("2024-06-18"), None, False),
        (pid(f"{ref}-S3"), pid(ref), pid("C1"), D("2024-06-01"), None, D("2024-06-11"), True),
    ]
    assert con.execute("select count(*) from quarantine where extract = 's47_enquiries'"
                       ).fetchall() == [(0,)]
    reviews = con.execute("select cp_plan_id, review_date from src_cp_reviews "
                          "order by review_date").fetchall()
    assert reviews == [(pid(f"{ref}-CP1"), D("2024-09-10")), (pid(f"{ref}-CP1"), D("2025-03-01"))]
    r = report(result, "cp_reviews")
    assert (r["source_format"], r["rows_read"], r["rows_loaded"]) == ("cin_xml", 2, 2)
    assert "Section47" not in (report(result, "referrals")["extra_columns"] or "")


def test_census_enquiry_lines_and_the_episode_conference_filling_the_last(folders):
    inbox, seeds = folders
    body = (SECTION47.format(start="2024-05-20", target="2024-06-10", icpc="", nr="false")
            + "        <DateOfInitialCPC>2024-06-07</DateOfInitialCPC>\n"
            + SECTION47.format(start="2024-05-30", target="2024-06-20", icpc="", nr="false")
            .replace("2024-05-30", "2024-05-32"))   # not a date: quarantined
    text = message(child("C2", episode("2024-05-15", body)), year="2025",
                   reference_date="2025-03-31")
    write(inbox, "census.xml", text)
    con, _ = run(inbox, seeds)
    # the last enquiry (quarantined for its start date) took the episode's conference date
    assert con.execute("select s47_id, icpc_date from src_s47_enquiries").fetchall() == [
        (pid("C2-2024-05-15-S1"), None)]
    assert con.execute("select line, rule, \"column\" from quarantine "
                       "where extract = 's47_enquiries'").fetchall() == [
        (line_of(text, "<Section47>", 2), "bad_date", "start_date")]


MISSING = "CHILD,DOB,MISSING,MIS_START,MIS_END"
EPISODES = ("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
            "HOME_POST,PL_POST,URN")


def test_ssda903_missing_table_is_missing_episodes(folders):
    inbox, seeds = folders
    write(inbox, "episodes.csv", "\n".join([
        EPISODES, "L1,01/04/2024,S,C2,N1,U1,PR1,,,,NS1 4,NS2 1,SC1"]) + "\n")
    write(inbox, "missing.csv", "\n".join([
        MISSING, "L1,05/06/2012,M,13/11/2024,25/11/2024", "L1,05/06/2012,a,01/12/2024,",
        "L1,05/06/2012,M,2024-12-20 00:00:00.000,NULL", "L1,05/06/2012,X,02/12/2024,"]) + "\n")
    write(inbox, "reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE\nL1,05/06/2012,30/08/2024,PN6\n")
    con, result = run(inbox, seeds)
    assert con.execute("select child_id, kind, start_date, end_date from src_missing_episodes "
                       "order by start_date").fetchall() == [
        (pid("L1"), "M", D("2024-11-13"), D("2024-11-25")),
        (pid("L1"), "A", D("2024-12-01"), None),
        (pid("L1"), "M", D("2024-12-20"), None)]
    assert con.execute("select file, line, rule from quarantine "
                       "where extract = 'missing_episodes'").fetchall() == [
        ("missing.csv", 5, "unknown_code")]
    r = report(result, "missing_episodes")
    assert (r["file"], r["source_format"], r["rows_read"], r["rows_loaded"]) == (
        "missing.csv", "ssda903", 4, 3)
    listed = report(result, "looked_after")["extra_columns"]
    assert "missing.csv" not in listed and "reviews.csv (reviews)" in listed


def test_ssda903_missing_of_two_years_the_newest_copy_wins(folders):
    inbox, seeds = folders
    write(inbox, "missing_2024.csv", "\n".join([
        MISSING, "L1,05/06/2012,M,13/11/2023,14/11/2023", "L1,05/06/2012,M,20/03/2024,"]) + "\n")
    write(inbox, "missing_2025.csv", "\n".join([
        MISSING, "L1,05/06/2012,M,20/03/2024,02/04/2024", "L1,05/06/2012,M,10/05/2024,"]) + "\n")
    con, result = run(inbox, seeds)
    assert con.execute("select start_date, end_date from src_missing_episodes "
                       "order by start_date").fetchall() == [
        (D("2023-11-13"), D("2023-11-14")), (D("2024-03-20"), D("2024-04-02")),
        (D("2024-05-10"), None)]
    assert report(result, "missing_episodes")["rows_read"] == 4


def test_ssd_contacts_enquiries_conferences_reviews_and_missing(folders):
    inbox, seeds = folders
    write(inbox, "ssd_contacts.csv", "\n".join([
        "cont_contact_id,cont_person_id,cont_contact_date,cont_contact_source_code,"
        "cont_contact_outcome_json",
        'K1,P1,2024-05-01 00:00:00.000,2A,"{""NEW_REFERRAL_FLAG"": ""Y"", ""NFA_FLAG"": ""N""}"',
        'K2,P1,2024-05-02,3A,"{""NEW_REFERRAL_FLAG"": ""N"", ""NFA_FLAG"": ""Yes""}"',
        'K3,P1,2024-05-03,,"{""ADVICE_FLAG"": ""y""}"',
        'K4,P1,2024-05-04,,"{""MISSING_FLAG"": ""Y""}"',
        "K5,P1,2024-05-05,,early_help",
    ]) + "\n")
    write(inbox, "ssd_s47_enquiry.csv", "\n".join([
        "s47e_s47_enquiry_id,s47e_referral_id,s47e_person_id,s47e_s47_start_date",
        "E1,R1,P1,2024-05-20", "E2,R1,P1,2024-07-01"]) + "\n")
    write(inbox, "ssd_initial_cp_conference.csv", "\n".join([
        "icpc_icpc_id,icpc_s47_enquiry_id,icpc_person_id,icpc_icpc_target_date,icpc_icpc_date",
        "I1,E1,P1,2024-06-10,2024-06-07 00:00:00.000"]) + "\n")
    write(inbox, "ssd_cp_reviews.csv", "\n".join([
        "cppr_cp_review_id,cppr_cp_plan_id,cppr_cp_review_due,cppr_cp_review_date",
        "V1,CP1,2024-09-12,2024-09-10", "V2,CP1,2025-03-10,2025-03-01"]) + "\n")
    write(inbox, "ssd_missing.csv", "\n".join([
        "miss_table_id,miss_la_person_id,miss_mis_epi_start,miss_mis_epi_type,miss_mis_epi_end",
        "M1,P1,2024-11-13,M,2024-11-14"]) + "\n")
    con, result = run(inbox, seeds)
    assert con.execute("select contact_id, contact_source, outcome from src_contacts "
                       "order by contact_date").fetchall() == [
        (pid("K1"), "2A", "REFERRAL"), (pid("K2"), "3A", "NFA"), (pid("K3"), None, "INFO_ADVICE"),
        (pid("K4"), None, "OTHER"), (pid("K5"), None, "EARLY_HELP")]
    assert con.execute("select s47_id, referral_id, start_date, icpc_target_date, icpc_date "
                       "from src_s47_enquiries order by start_date").fetchall() == [
        (pid("E1"), pid("R1"), D("2024-05-20"), D("2024-06-10"), D("2024-06-07")),
        (pid("E2"), pid("R1"), D("2024-07-01"), None, None)]
    assert con.execute("select cp_plan_id, review_date from src_cp_reviews order by 2"
                       ).fetchall() == [(pid("CP1"), D("2024-09-10")), (pid("CP1"), D("2025-03-01"))]
    assert con.execute("select child_id, kind, start_date from src_missing_episodes"
                       ).fetchall() == [(pid("P1"), "M", D("2024-11-13"))]
    assert report(result, "contacts")["source_format"] == "ssd"


def _rows(extract, *rows):
    return "\n".join([HEADERS[extract], *rows]) + "\n"


def test_health_and_police_parts_per_agency(folders):
    inbox, seeds = folders
    write(inbox, "health_appointments_HV_2025.csv", _rows(
        "health_appointments", "A1,C1,HV,2025-01-10,HEALTH_VISITING,WAS_NOT_BROUGHT",
        "A2,C1,HV,2025-01-11,HEALTH_VISITING,CANCELLED_BY_SERVICE"))
    write(inbox, "health_appointments_SCH_2025.csv", _rows(
        "health_appointments", "B1,C2,SCH,2025-01-12,SCHOOL_NURSING,ATTENDED",
        "A1,C2,SCH,2025-01-12,SCHOOL_NURSING,ATTENDED"))
    write(inbox, "police_notifications_POL_jan.csv", _rows(
        "police_notifications", "N1,C1,2025-01-10,DOMESTIC_ABUSE,2025-01-11",
        "N2,C1,2025-01-10,DOMESTIC_ABUSE,2025-01-09"))
    con, result = run(inbox, seeds)
    assert sorted(r[0] for r in con.execute(
        "select appointment_id from src_health_appointments").fetchall()) == sorted([
        pid("A1"), pid("A2"), pid("B1")])
    parts = sorted((r["file"], r["rows_loaded"], r["rows_quarantined"]) for r in result.reports
                   if r["extract"] == "health_appointments")
    assert parts == [("health_appointments_HV_2025.csv", 2, 0),
                     ("health_appointments_SCH_2025.csv", 1, 1)]
    # the school told before the incident: end_before_start
    assert con.execute("select line, rule, \"column\" from quarantine "
                       "where extract = 'police_notifications'").fetchall() == [
        (3, "end_before_start", "school_notified_date")]


def test_a_conference_with_no_section47_is_quarantined_not_dropped(folders):
    inbox, seeds = folders
    body = "        <DateOfInitialCPC>2024-06-07</DateOfInitialCPC>\n"
    text = message(child("C3", episode("2024-05-15", body)), year="2025",
                   reference_date="2025-03-31")
    write(inbox, "census.xml", text)
    con, result = run(inbox, seeds)
    assert con.execute("select count(*) from src_s47_enquiries").fetchall() == [(0,)]
    assert con.execute("select line, rule, \"column\" from quarantine "
                       "where extract = 's47_enquiries'").fetchall() == [
        (line_of(text, "<DateOfInitialCPC>"), "required", "start_date")]
    assert "no Section47 holds" in report(result, "s47_enquiries")["warnings"]


def test_an_episode_conference_another_than_its_enquirys_is_quarantined_too(folders):
    inbox, seeds = folders
    body = (SECTION47.format(start="2024-05-20", target="2024-06-10",
                             icpc="<DateOfInitialCPC>2024-06-07</DateOfInitialCPC>", nr="false")
            + "        <DateOfInitialCPC>2024-12-06</DateOfInitialCPC>\n")
    same = (SECTION47.format(start="2024-05-20", target="2024-06-10",
                             icpc="<DateOfInitialCPC>2024-06-07</DateOfInitialCPC>", nr="false")
            + "        <DateOfInitialCPC>2024-06-07</DateOfInitialCPC>\n")
    text = message(child("C4", episode("2024-05-15", body), episode("2024-05-16", same)),
                   year="2025", reference_date="2025-03-31")
    write(inbox, "census.xml", text)
    con, _ = run(inbox, seeds)
    # the same date as the enquiry's is that conference; another date is another one
    assert sorted(r[0] for r in con.execute("select s47_id from src_s47_enquiries").fetchall()
                  ) == sorted([pid("C4-2024-05-15-S1"), pid("C4-2024-05-16-S1")])
    assert con.execute("select line, rule from quarantine where extract = 's47_enquiries'"
                       ).fetchall() == [(line_of(text, "<DateOfInitialCPC>2024-12-06"), "required")]
