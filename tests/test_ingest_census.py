"""The CIN census XML reader: every era, each mapping rule of spec/inputs.md, the tolerated
quirks, file-level failures, several collection years, and the children CSV beside it."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.census import child, episode, line_of, message, write
from tests.support.ingesting import Ingesting, report
from tests.support.samples import write_csv

KEY = b"census-test-key-not-secret-0123456789"
INGEST = Ingesting(KEY)
pid, run = INGEST.pid, INGEST.run


def quarantined(con, extract):
    return con.execute('select file, line, rule, "column", value from quarantine '
                       "where extract = ? order by line", [extract]).fetchall()


# --- the eras -------------------------------------------------------------------------------

CENSUS_2022 = """<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>2022</Year>
      <ReferenceDate>2022-03-31</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>201</LEA></Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID> DfEX01 </LAchildID>
        <UPN>A123456789012</UPN>
        <FormerUPN>B123456789012</FormerUPN>
        <PersonBirthDate>2012-02-29</PersonBirthDate>
        <ExpectedPersonBirthDate>2012-03-05</ExpectedPersonBirthDate>
        <GenderCurrent>2</GenderCurrent>
        <PersonDeathDate>2021-01-01</PersonDeathDate>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>MWBC</Ethnicity>
        <Disabilities><Disability>HAND</Disability><Disability>HEAR</Disability></Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2021-05-10</CINreferralDate>
        <ReferralSource>3A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <CINclosureDate>2022-01-20</CINclosureDate>
        <ReasonForClosure>RC1</ReasonForClosure>
        <DateOfInitialCPC>2021-06-01</DateOfInitialCPC>
        <ReferralNFA>0</ReferralNFA>
        <CINPlanDates>
          <CINPlanStartDate>2021-06-02</CINPlanStartDate>
          <CINPlanEndDate>2021-07-01</CINPlanEndDate>
        </CINPlanDates>
        <CINPlanDates>
          <CINPlanStartDate>2021-11-01</CINPlanStartDate>
        </CINPlanDates>
        <Assessments>
          <AssessmentActualStartDate>2021-05-11</AssessmentActualStartDate>
          <AssessmentInternalReviewDate>2021-05-20</AssessmentInternalReviewDate>
          <AssessmentAuthorisationDate>2021-05-30</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>24A</AssessmentFactors>
            <AssessmentFactors>16A</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <Section47><S47ActualStartDate>2021-05-12</S47ActualStartDate></Section47>
        <ChildProtectionPlans>
          <CPPstartDate>2021-07-02</CPPstartDate>
          <CPPendDate>2021-10-30</CPPendDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>1</NumberOfPreviousCPP>
          <Reviews><CPPreviewDate>2021-08-01</CPPreviewDate></Reviews>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""


def test_2021_22_census_maps_every_column(folders):
    inbox, seeds = folders
    write(inbox, "cin_census_2022.xml", CENSUS_2022)
    con, result = run(inbox, seeds)
    c = pid("DfEX01")
    ref = pid("DfEX01-2021-05-10")
    assert con.execute("select * from src_children").fetchall() == [
        (c, dt.date(2012, 2, 29), dt.date(2012, 3, 5), "F", "MWBC", True, None, None)]
    assert con.execute("select * from src_referrals").fetchall() == [
        (ref, c, dt.date(2021, 5, 10), "3A", "N1", False, dt.date(2022, 1, 20), "RC1", None)]
    assert con.execute("select * from src_assessments").fetchall() == [
        (pid("DfEX01-2021-05-10-A1"), ref, c, dt.date(2021, 5, 11), dt.date(2021, 5, 30),
         ["24A", "16A"])]
    assert con.execute("select * from src_cin_plans order by start_date").fetchall() == [
        (pid("DfEX01-2021-05-10-P1"), ref, c, dt.date(2021, 6, 2), dt.date(2021, 7, 1)),
        (pid("DfEX01-2021-05-10-P2"), ref, c, dt.date(2021, 11, 1), None)]
    assert con.execute("select * from src_cp_plans").fetchall() == [
        (pid("DfEX01-2021-05-10-CP1"), ref, c, dt.date(2021, 7, 2), dt.date(2021, 10, 30),
         "NEG", "EMO", 1)]
    for extract in ("children", "referrals", "assessments", "cin_plans", "cp_plans"):
        r = report(result, extract)
        assert (r["status"], r["file"], r["rows_quarantined"]) == \
            ("loaded", "cin_census_2022.xml", 0)
    # Section47 (the episode's DateOfInitialCPC filling its blank conference) and Reviews
    assert con.execute("select * from src_s47_enquiries").fetchall() == [
        (pid("DfEX01-2021-05-10-S1"), ref, c, dt.date(2021, 5, 12), None,
         dt.date(2021, 6, 1), None)]
    assert con.execute("select * from src_cp_reviews").fetchall() == [
        (pid("DfEX01-2021-05-10-CP1"), dt.date(2021, 8, 1))]
    # known but not mapped: listed, not fatal
    unused = report(result, "referrals")["extra_columns"]
    for name in ("FormerUPN", "PersonDeathDate", "AssessmentInternalReviewDate"):
        assert name in unused
    for name in ("DateOfInitialCPC", "Section47", "Reviews"):
        assert name not in unused


def test_no_raw_child_id_anywhere_in_the_database(folders):
    inbox, seeds = folders
    write(inbox, "cin.xml", CENSUS_2022)
    con, _ = run(inbox, seeds)
    tables = [r[0] for r in con.execute(
        "select table_name from duckdb_tables() where not temporary").fetchall()]
    for table in tables:
        cols = [r[0] for r in con.execute(
            "select column_name from duckdb_columns() where table_name = ? and "
            "data_type = 'VARCHAR'", [table]).fetchall()]
        for col in cols:
            hits = con.execute(f'select count(*) from "{table}" where "{col}" like '
                               "'%DfEX01%'").fetchall()[0][0]
            assert hits == 0, (table, col)


SEX_2025 = child("S1", sex="<Sex>f</Sex>") + child("S2", sex="<Sex>1</Sex>") + \
    child("S3", sex="<Sex>U</Sex>") + child("S4", sex="<Sex>X</Sex>")


def test_2024_25_sex_any_case_and_a_legacy_digit_reported(folders):
    inbox, seeds = folders
    text = message(SEX_2025, year="2025", reference_date="2025-03-31")
    write(inbox, "cin_2025.xml", text)
    con, result = run(inbox, seeds)
    sexes = dict(con.execute("select child_id, sex from src_children").fetchall())
    assert sexes == {pid("S1"): "F", pid("S2"): "M", pid("S3"): "U"}
    assert quarantined(con, "children") == [
        ("cin_2025.xml", line_of(text, "<Child>", 4), "unknown_code", "sex", "X")]
    assert "1 rows: Sex given as a legacy digit" in report(result, "children")["warnings"]


def test_gender_current_codes(folders):
    inbox, seeds = folders
    kids = "".join(child(f"G{v}", sex=f"<GenderCurrent>{v}</GenderCurrent>")
                   for v in ("1", "2", "0", "9"))
    write(inbox, "cin.xml", message(kids, year="2023", reference_date="2023-03-31"))
    con, _ = run(inbox, seeds)
    assert dict(con.execute("select child_id, sex from src_children").fetchall()) == {
        pid("G1"): "M", pid("G2"): "F", pid("G0"): "U", pid("G9"): "U"}


def test_without_cin_plan_dates_no_cin_plans(folders):
    inbox, seeds = folders
    write(inbox, "cin.xml", message(child("N1", episode())))
    con, result = run(inbox, seeds)
    assert con.execute("select count(*) from src_referrals").fetchall() == [(1,)]
    r = report(result, "cin_plans")
    assert (r["status"], r["rows_read"]) == ("loaded", 0)


def test_pre_proceedings_module_is_known_and_unused(folders):
    inbox, seeds = folders
    body = """        <PreProceedingsandFGDM>
          <PPStartDate>2025-09-01</PPStartDate>
          <FGDMMeetingOffer>1</FGDMMeetingOffer>
        </PreProceedingsandFGDM>
"""
    write(inbox, "cin_2026.xml", message(child("P1", episode(body=body), sex="<Sex>M</Sex>"),
                                         year="2026", reference_date="2026-03-31"))
    con, result = run(inbox, seeds)
    r = report(result, "referrals")
    assert (r["status"], r["rows_loaded"]) == ("loaded", 1)
    assert "PreProceedingsandFGDM (1)" in r["extra_columns"]
    assert "(unknown)" not in r["extra_columns"]


# --- the rules -------------------------------------------------------------------------------

def test_referral_nfa_true_false_one_zero_any_case_and_a_bad_value_quarantined(folders):
    inbox, seeds = folders
    kids = child("F1", episode("2023-01-01", nfa="true"), episode("2023-02-01", nfa="FALSE"),
                 episode("2023-03-01", nfa="1"), episode("2023-04-01", nfa="0"),
                 episode("2023-05-01", nfa="maybe"))
    text = message(kids)
    write(inbox, "cin.xml", text)
    con, result = run(inbox, seeds)
    assert con.execute("select referral_date, referral_nfa from src_referrals "
                       "order by 1").fetchall() == [
        (dt.date(2023, 1, 1), True), (dt.date(2023, 2, 1), False),
        (dt.date(2023, 3, 1), True), (dt.date(2023, 4, 1), False)]
    assert quarantined(con, "referrals") == [
        ("cin.xml", line_of(text, "<CINdetails>", 5), "bad_yes_no", "referral_nfa", "maybe")]
    assert "2 rows: ReferralNFA given as true/false" in report(result, "referrals")["warnings"]


def test_dates_keep_their_date_part_and_bad_dates_are_quarantined_at_their_line(folders):
    inbox, seeds = folders
    kids = child("D1", episode("2023-01-31Z"), episode("2023-02-01T09:30:00"),
                 episode("2023-03-01+01:00"), episode("31/03/2023x"))
    text = message(kids)
    write(inbox, "cin.xml", text)
    con, result = run(inbox, seeds)
    assert [r[0] for r in con.execute("select referral_date from src_referrals order by 1")
            .fetchall()] == [dt.date(2023, 1, 31), dt.date(2023, 2, 1), dt.date(2023, 3, 1)]
    assert quarantined(con, "referrals") == [
        ("cin.xml", line_of(text, "<CINdetails>", 4), "bad_date", "referral_date",
         "31/03/2023x")]
    assert "3 rows: date with a time or time zone" in report(result, "referrals")["warnings"]


@pytest.mark.parametrize("disabilities, expected", [
    ("<Disabilities><Disability>NONE</Disability></Disabilities>", False),
    ("<Disabilities><Disability>none</Disability></Disabilities>", False),
    ("<Disabilities><Disability>NONE</Disability><Disability>HAND</Disability></Disabilities>",
     True),
    ("<Disabilities><Disability>AUT</Disability></Disabilities>", True),
    ("<Disabilities></Disabilities>", None),
    ("", None),
])
def test_disability(folders, disabilities, expected):
    inbox, seeds = folders
    write(inbox, "cin.xml", message(child(
        "B1", characteristics=f"<Ethnicity>WBRI</Ethnicity>{disabilities}")))
    con, _ = run(inbox, seeds)
    assert con.execute("select disability from src_children").fetchall() == [(expected,)]


def test_episode_ids_count_on_same_day_and_across_a_repeated_child(folders):
    inbox, seeds = folders
    kids = (child("R1", episode("2023-05-10"), episode("2023-05-10"))
            + child("R1", episode("2023-05-10"), episode("2023-06-01")))
    text = message(kids)
    write(inbox, "cin.xml", text)
    con, _ = run(inbox, seeds)
    ids = {r[0] for r in con.execute("select referral_id from src_referrals").fetchall()}
    assert ids == {pid("R1-2023-05-10"), pid("R1-2023-05-10-2"), pid("R1-2023-05-10-3"),
                   pid("R1-2023-06-01")}
    # the second <Child> with the same LAchildID is a duplicate child row, at its own line
    assert quarantined(con, "children") == [
        ("cin.xml", line_of(text, "<Child>", 2), "duplicate", "child_id", pid("R1"))]
    assert con.execute("select count(*) from src_children").fetchall() == [(1,)]


def test_records_under_an_episode_get_positional_ids_and_their_own_line(folders):
    inbox, seeds = folders
    body = """        <Assessments>
          <AssessmentActualStartDate>2023-05-11</AssessmentActualStartDate>
          <FactorsIdentifiedAtAssessment><AssessmentFactors>16A</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <Assessments>
          <AssessmentActualStartDate>2023-05-12</AssessmentActualStartDate>
          <FactorsIdentifiedAtAssessment><AssessmentFactors>99Z</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <ChildProtectionPlans>
          <CPPstartDate>2023-06-01</CPPstartDate>
          <InitialCategoryOfAbuse>Neglect</InitialCategoryOfAbuse>
        </ChildProtectionPlans>
        <ChildProtectionPlans>
          <CPPstartDate>2023-08-01</CPPstartDate>
        </ChildProtectionPlans>
"""
    text = message(child("K1", episode("2023-05-10", body=body)))
    write(inbox, "cin.xml", text)
    con, _ = run(inbox, seeds)
    assert con.execute("select assessment_id, factors from src_assessments").fetchall() == [
        (pid("K1-2023-05-10-A1"), ["16A"])]
    assert quarantined(con, "assessments") == [
        ("cin.xml", line_of(text, "<Assessments>", 2), "unknown_code", "factors", "99Z")]
    assert con.execute("select cp_plan_id, initial_category from src_cp_plans").fetchall() == [
        (pid("K1-2023-05-10-CP1"), "NEG")]
    assert quarantined(con, "cp_plans") == [
        ("cin.xml", line_of(text, "<ChildProtectionPlans>", 2), "required",
         "initial_category", None)]


def test_an_assessment_before_its_referral_is_quarantined_by_the_cross_file_rule(folders):
    inbox, seeds = folders
    body = """        <Assessments>
          <AssessmentActualStartDate>2023-05-01</AssessmentActualStartDate>
        </Assessments>
"""
    text = message(child("K2", episode("2023-05-10", body=body)))
    write(inbox, "cin.xml", text)
    con, _ = run(inbox, seeds)
    assert quarantined(con, "assessments") == [
        ("cin.xml", line_of(text, "<Assessments>"), "before_referral", "start_date",
         "2023-05-01")]


def test_stray_text_and_unknown_elements_are_reported_never_fatal(folders):
    inbox, seeds = folders
    kids = child("T1", episode(body="        stray words\n        <Mystery>x</Mystery>\n"))
    kids = kids.replace("</ChildIdentifiers>", "</ChildIdentifiers> more text")
    write(inbox, "cin.xml", message(kids))
    con, result = run(inbox, seeds)
    r = report(result, "referrals")
    assert (r["status"], r["rows_loaded"]) == ("loaded", 1)
    assert "CINdetails/Mystery (unknown) (1)" in r["extra_columns"]
    assert "text between elements ignored" in r["warnings"]
    assert "text between elements ignored" in report(result, "children")["warnings"]


def test_empty_children_loads_no_rows(folders):
    inbox, seeds = folders
    write(inbox, "cin.xml", message("").replace("<Children>\n\n  </Children>", "<Children/>"))
    con, result = run(inbox, seeds)
    for extract in ("children", "referrals", "cp_plans"):
        r = report(result, extract)
        assert (r["status"], r["rows_read"], r["rows_loaded"]) == ("loaded", 0, 0)
    assert result.file_failures == []


# --- whole files -----------------------------------------------------------------------------

def test_not_well_formed_fails_with_line_and_column_and_previous_stays(folders, tmp_path):
    inbox, seeds = folders
    write(inbox, "cin_jan.xml", message(child("W1", episode())), age_seconds=100)
    db1 = INGEST.first_run(inbox, seeds, tmp_path)
    broken = message(child("W1", episode()) + child("W2", episode())).replace(
        "<LAchildID>W2</LAchildID>", "<LAchildID>W2</LAchildId>")
    write(inbox, "cin_feb.xml", broken)
    con2, result = INGEST.second_run(inbox, seeds, tmp_path, db1)
    failed = report(result, "referrals", "failed")
    line = line_of(broken, "</LAchildId>")
    assert failed["file"] == "cin_feb.xml"
    assert failed["message"].startswith(f"not well-formed XML at line {line}, column ")
    kept = report(result, "referrals", "unchanged")
    assert (kept["file"], kept["rows_loaded"]) == ("cin_jan.xml", 1)
    assert con2.execute("select child_id from src_children").fetchall() == [(pid("W1"),)]


def test_a_census_loaded_once_is_not_read_again(folders, tmp_path):
    inbox, seeds = folders
    write(inbox, "cin.xml", message(child("U1", episode())))
    db1 = INGEST.first_run(inbox, seeds, tmp_path)
    con2, result = INGEST.second_run(inbox, seeds, tmp_path, db1)
    r = report(result, "referrals")
    assert (r["status"], r["rows_loaded"]) == ("unchanged", 1)


def test_another_authoritys_census_is_refused(folders):
    inbox, seeds = folders
    write(inbox, "cin.xml", message(child("L1", episode()), lea="999"))
    con, result = run(inbox, seeds, la_code="201")
    r = report(result, "referrals", "failed")
    assert "local authority 999" in r["message"] and "201" in r["message"]
    assert con.execute("select count(*) from src_referrals").fetchall() == [(0,)]
    # without la_code in the settings nothing is checked
    con, result = run(inbox, seeds)
    assert report(result, "referrals")["status"] == "loaded"


def test_an_xml_file_that_is_not_a_census_fails_as_a_file(folders):
    inbox, seeds = folders
    write(inbox, "other.xml", "<?xml version='1.0'?><Report><Row/></Report>")
    _con, result = run(inbox, seeds)
    assert report(result, "referrals", "failed")["message"] == \
        "not a CIN census file: root element <Report>, expected <Message>"


def test_several_collection_years_are_in_force_together(folders):
    inbox, seeds = folders
    closed = episode("2023-01-10").replace(
        "<ReferralNFA>0</ReferralNFA>",
        "<ReferralNFA>0</ReferralNFA>\n<CINclosureDate>2023-06-30</CINclosureDate>")
    # 2022-23: referral open at year end; 2023-24: the same referral, now closed, and a new one
    write(inbox, "cin_2023.xml", message(child("Y1", episode("2023-01-10")), year="2023",
                                         reference_date="2023-03-31"), age_seconds=50)
    write(inbox, "cin_2024.xml", message(child("Y1", closed, episode("2024-02-01"),
                                               dob="2015-03-28"),
                                         year="2024", reference_date="2024-03-31"),
          age_seconds=100)  # older on disk than 2023's: years are by header, not by date
    # an older file of 2023-24 is superseded within its year
    write(inbox, "cin_2024_draft.xml", message(child("Z9", episode()), year="2024",
                                               reference_date="2024-03-31"), age_seconds=200)
    con, result = run(inbox, seeds)
    assert con.execute("select referral_date, closure_date from src_referrals order by 1"
                       ).fetchall() == [(dt.date(2023, 1, 10), dt.date(2023, 6, 30)),
                                        (dt.date(2024, 2, 1), None)]
    assert con.execute("select child_id, date_of_birth from src_children").fetchall() == [
        (pid("Y1"), dt.date(2015, 3, 28))]
    r = report(result, "referrals")
    assert r["file"] == "cin_2024.xml + cin_2023.xml"
    assert "1 rows superseded" in r["message"]
    assert "cin_2024_draft.xml" in result.ignored_files


def test_children_csv_rows_come_first_and_census_only_children_are_added(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", ["C1,01/02/2015,,F,WBRI,N,NS1 4AB,"])
    text = message(child("C1", episode()) + child("C2", episode()))
    write(inbox, "cin.xml", text)
    con, result = run(inbox, seeds)
    rows = con.execute("select child_id, sex, postcode from src_children order by postcode"
                       ).fetchall()
    assert rows == [(pid("C1"), "F", "NS1 4AB"), (pid("C2"), "M", None)]
    r = report(result, "children")
    assert (r["file"], r["rows_loaded"], r["rows_quarantined"]) == \
        ("children_extract.csv + cin.xml", 2, 0)
    assert "1 rows superseded" in r["message"]


def test_a_newer_referrals_csv_wins_over_the_census_for_referrals(folders):
    inbox, seeds = folders
    write(inbox, "cin.xml", message(child("C1", episode())), age_seconds=100)
    write_csv(inbox, "referrals", ["R9,C1,2024-01-01,1A,N1,N,,,Y"])
    con, result = run(inbox, seeds)
    assert report(result, "referrals")["file"] == "referrals_extract.csv"
    assert con.execute("select referral_id from src_referrals").fetchall() == [(pid("R9"),)]
    assert report(result, "children")["file"] == "cin.xml"
