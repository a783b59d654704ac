"""Ingest against spec/extracts.md, rule by rule (an audit's pinned findings).

Each test feeds one small hand-made inbox through ingest and compares the quarantine
(line, rule, column, value) and the load report with what the specification says.
Few ingests, many rows each: the whole file runs in a few seconds.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pipelines.ingest import ingest
from pipelines.ingest.pseudonymise import pseudonymise
from tests.support.samples import HEADERS, write_csv

RUN_DATE = dt.date(2025, 6, 30)
KEY = b"audit-key-not-secret"


def pid(raw: str) -> str:
    return pseudonymise([raw], KEY)[0]


def run(inbox, seeds):
    con = duckdb.connect()
    result = ingest(con, inbox, seeds, run_id="audit", key=KEY, run_date=RUN_DATE, previous=None)
    return con, result


def quarantined(con, extract):
    return con.execute(
        'select line, rule, "column", value from quarantine where extract = ? order by line',
        [extract]).fetchall()


def report(result, extract):
    rows = [r for r in result.reports if r["extract"] == extract]
    assert len(rows) == 1, rows
    r = rows[0]
    assert r["rows_read"] == r["rows_loaded"] + r["rows_quarantined"]
    return r


# "Dates: ISO YYYY-MM-DD, or UK DD/MM/YYYY ... Anything else (US order, two-digit years,
# free text) is a row error." / "D/M/YYYY with one-digit day or month is accepted." /
# "'Not in the future' means after the date of the run."
DATES = [
    ("2024-02-29", dt.date(2024, 2, 29)),   # leap day, ISO
    ("29/02/2024", dt.date(2024, 2, 29)),   # leap day, UK
    ("2023-02-29", "bad_date"),             # not a leap year
    ("29/02/2023", "bad_date"),
    ("31/04/2024", "bad_date"),             # April has 30 days
    ("2024-04-31", "bad_date"),
    ("1/2/2024", dt.date(2024, 2, 1)),      # D/M/YYYY: 1 February
    ("13/1/2024", dt.date(2024, 1, 13)),
    ("1/13/2024", "bad_date"),              # US order
    ("12/31/2024", "bad_date"),
    ("01/02/24", "bad_date"),               # two-digit year
    ("2024-01-05 10:00", "bad_date"),       # a time in a CSV date
    ("2024-01-05T00:00:00", "bad_date"),
    ("45000", "bad_date"),                  # an Excel serial number in a CSV
    ("5 Jan 2024", "bad_date"),             # free text
    ("2024/01/05", "bad_date"),
    ("05-01-2024", "bad_date"),
    ("05.01.2024", "bad_date"),
    ("20240105", "bad_date"),
    (" 2024-01-05 ", dt.date(2024, 1, 5)),  # surrounding spaces are not part of the value
    ("30/06/2025", dt.date(2025, 6, 30)),   # the run date itself
    ("2025-07-01", "future_date"),          # the day after the run date
    ("", "required"),
    ("   ", "required"),                    # spaces only = blank
]


def test_date_forms_the_spec_allows_and_forbids(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", ["C1,,,,,,,"])
    write_csv(inbox, "referrals", [f"R{i},C1,{value},,,,,," for i, (value, _) in enumerate(DATES)])
    con, result = run(inbox, seeds)
    expected_q = [(i + 2, want, "referral_date", value or None)
                  for i, (value, want) in enumerate(DATES) if isinstance(want, str)]
    assert quarantined(con, "referrals") == expected_q
    loaded = dict(con.execute("select referral_id, referral_date from src_referrals").fetchall())
    assert loaded == {pid(f"R{i}"): want for i, (_v, want) in enumerate(DATES)
                      if isinstance(want, dt.date)}
    r = report(result, "referrals")
    assert (r["rows_read"], r["rows_quarantined"]) == (len(DATES), len(expected_q))


# "Yes/no: Y/N, Yes/No, true/false, 1/0, any case. Blank = unknown."
YES_NO = [("Y", True), ("n", False), ("Yes", True), ("NO", False), ("true", True),
          ("False", False), ("1", True), ("0", False), ("yEs", True), (" Y ", True),
          ("", None), ("  ", None), ("maybe", "bad"), ("T", "bad"), ("2", "bad"),
          ("1.0", "bad"), ("Y.", "bad"), ("N/A", "bad")]


def test_yes_no_forms_and_blank_is_unknown(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", [f"K{i},,,,,{v},," for i, (v, _) in enumerate(YES_NO)])
    con, _ = run(inbox, seeds)
    assert quarantined(con, "children") == [
        (i + 2, "bad_yes_no", "disability", v) for i, (v, want) in enumerate(YES_NO)
        if want == "bad"]
    loaded = dict(con.execute("select child_id, disability from src_children").fetchall())
    assert loaded == {pid(f"K{i}"): want for i, (_v, want) in enumerate(YES_NO) if want != "bad"}


def test_codes_any_case_legacy_descriptions_and_ranges(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", [
        "C1,,,1,wbri,,,t318811718137",   # legacy 1 = M; lower-case code; UPN upper-cased
        "C2,,,2,,,,A12345678901B",       # legacy 2 = F; UPN ending in a letter
        "C3,,,0,,,,",                    # legacy 0 = U
        "C4,,,9,,,,",                    # legacy 9 = U
        "C5,,,Male,,,,",                 # a description is not a sex code
        "C6,,,3,,,,",
        "C7,,,u,,,,1234567890123",       # UPN must start with a letter
    ])
    write_csv(inbox, "cp_plans", [
        "P1,,C1,2024-01-01,,neglect,PHYSICAL ABUSE,0",
        "P2,,C1,2024-01-01,,Emotional Abuse,sexual abuse,1.0",
        "P3,,C1,2024-01-01,,multiple,Neglect ,+2",
        "P4,,C1,2024-01-01,,sab,,",
        "P5,,C1,2024-01-01,,N,,",                    # not a category
        "P6,,C1,2024-01-01,,NEG,,1e1",               # not a whole number
        'P7,,C1,2024-01-01,,NEG,,"1,000"',
    ])
    write_csv(inbox, "looked_after", ["L1,C1,2024-01-01,,n8,", "L2,C1,2024-01-01,,N0,",
                                      "L3,C1,2024-01-01,,N9,"])
    write_csv(inbox, "neglect_tools", [
        "T1,C1,,gcp2,pol,2024-01-01,1,5,,,",
        "T2,C1,,WeCAN,POL,2024-01-01,5,,,,",
        "T3,C1,,ntk,POL,2024-01-01,0,,,,",
        "T4,C1,,GCP2,POL,2024-01-01,3,6,,,",
        "T5,C1,,GCP3,POL,2024-01-01,3,,,,",
    ])
    write_csv(inbox, "attendance", [
        "C1,2024/25,aut,100,100",        # missed = possible is fine; term any case
        "C1,2099/00,SPR,100,0",          # the century wraps
        "C1,2024-25,SUM,100,5",
        "C1,2024/25,AUTUMN,100,5",
        "C1,2024/25,SUM,100,-1",
    ])
    write_csv(inbox, "two_year_olds", ["2024-spr,C1,,Y", "2024-AUTUMN,C2,,Y", "24-SUM,C3,,N"])
    con, _ = run(inbox, seeds)
    assert con.execute("select ethnicity, upn from src_children where child_id = ?",
                       [pid("C1")]).fetchall() == [("WBRI", None)]  # UPN checked, not stored
    sexes = dict(con.execute("select child_id, sex from src_children").fetchall())
    assert sexes == {pid("C1"): "M", pid("C2"): "F", pid("C3"): "U", pid("C4"): "U"}
    assert quarantined(con, "children") == [
        (6, "unknown_code", "sex", "Male"), (7, "unknown_code", "sex", "3"),
        (8, "bad_format", "upn", None)]
    assert con.execute("select cp_plan_id, initial_category, latest_category, previous_cp_plans "
                       "from src_cp_plans order by initial_category").fetchall() == [
        (pid("P2"), "EMO", "SAB", 1), (pid("P3"), "MUL", "NEG", 2), (pid("P1"), "NEG", "PHY", 0),
        (pid("P4"), "SAB", None, None)]
    assert quarantined(con, "cp_plans") == [
        (6, "unknown_code", "initial_category", "N"),
        (7, "bad_integer", "previous_cp_plans", "1e1"),
        (8, "bad_integer", "previous_cp_plans", "1,000")]
    assert quarantined(con, "looked_after") == [
        (3, "unknown_code", "category_of_need", "N0"), (4, "unknown_code", "category_of_need", "N9")]
    assert quarantined(con, "neglect_tools") == [
        (4, "out_of_range", "overall_grade", "0"), (5, "out_of_range", "physical_care", "6"),
        (6, "unknown_code", "tool", "GCP3")]
    assert con.execute("select tool, agency from src_neglect_tools order by 1").fetchall() == [
        ("GCP2", "POL"), ("WECAN", "POL")]
    assert quarantined(con, "attendance") == [
        (4, "bad_format", "academic_year", "2024-25"), (5, "unknown_code", "term", "AUTUMN"),
        (6, "out_of_range", "sessions_missed", "-1")]
    assert quarantined(con, "two_year_olds") == [
        (3, "bad_format", "term", "2024-AUTUMN"), (4, "bad_format", "term", "24-SUM")]
    assert con.execute("select term from src_two_year_olds").fetchall() == [("2024-SPR",)]


def test_cross_file_cascade_duplicates_and_free_standing_extracts(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", ["C1,,,,,,,", "C2,09/05/04,,,,,,", " C1 ,,,,,,,", "07,,,,,,,"])
    write_csv(inbox, "referrals", [
        "R1,C1,2024-01-10,,,,,,",
        "R2,C2,2024-01-10,,,,,,",        # its child was quarantined: orphan
        "R1,C1,2024-01-01,,,,,,",        # duplicate: the first R1 (10 January) is in force
        "R3,7,2024-01-10,,,,,,",         # leading zeros matter: 7 is not 07
        "R4, 07 ,2024-01-10,,,,,,",      # surrounding spaces do not
        "R5,C1,2024-01-10,,,,2024-01-10,RC8,",   # closure on the referral day is fine
        "R6,C1,2024-01-10,,,,2024-01-09,rc8,",   # closure before the referral
    ])
    write_csv(inbox, "assessments", [
        "A1,R1,C1,2024-01-10,2024-01-10,16A",    # on the referral date: fine
        "A2,R1,C1,2024-01-05,,16A",              # before the first R1's referral date
        "A3,R2,C2,2024-01-12,,16A",              # its referral was quarantined
        "A4,R9,C1,2024-01-12,,16A",              # no such referral
        "A5,R4,C1,2024-01-12,2024-01-11,16A",    # authorised before it started
        'A6,R4,C1,2024-01-12,,"3B,21"',          # 21 cannot be combined
        "A7,R4,C1,2024-01-12,,16a; 3b ;",        # any case, ';' or ',' and stray separators
    ])
    write_csv(inbox, "two_year_olds", ["2024-SPR,NOBODY,,Y"])
    write_csv(inbox, "attendance", ["NOBODY,2024/25,AUT,100,5"])
    con, result = run(inbox, seeds)
    assert quarantined(con, "children") == [(3, "bad_date", "date_of_birth", "09/05/04"),
                                            (4, "duplicate", "child_id", pid("C1"))]
    assert quarantined(con, "referrals") == [
        (3, "orphan_child", "child_id", pid("C2")),
        (4, "duplicate", "referral_id", pid("R1")),
        (5, "orphan_child", "child_id", pid("7")),
        (8, "end_before_start", "closure_date", "2024-01-09"),
    ]
    assert quarantined(con, "assessments") == [
        (3, "before_referral", "start_date", "2024-01-05"),
        (4, "orphan_referral", "referral_id", pid("R2")),
        (5, "orphan_referral", "referral_id", pid("R9")),
        (6, "end_before_start", "authorised_date", "2024-01-11"),
        (7, "bad_combination", "factors", "3B,21"),
    ]
    assert con.execute("select factors from src_assessments where assessment_id = ?",
                       [pid("A7")]).fetchall() \
        == [(["16A", "3B"],)]
    # two_year_olds and attendance rows need not have a children row: no quarantine, no warning
    for extract in ("two_year_olds", "attendance"):
        r = report(result, extract)
        assert (r["rows_loaded"], r["rows_quarantined"], r["warnings"]) == (1, 0, None)


def test_headers_reordered_extra_and_optional_columns_missing(folders):
    inbox, seeds = folders
    (inbox / "children_a.csv").write_bytes(
        "\ufeffUPN,Child ID, DATE_OF_BIRTH ,Sex,Worker notes\r\n"
        "a12345678901b,C1,1/2/2015,f,Zoë\r\n"
        "\r\n"
        ",C2,,M,\r\n".encode("utf-8"))
    (inbox / "referrals_b.csv").write_bytes(
        '" Referral ID ","child_id","REFERRAL DATE","Notes, free text"\n'
        'R1,C1,2024-01-01,"café, £5"\n'.encode("cp1252"))
    for name in ("children.csv", "notes.csv", "Children.txt", "referral_x.csv", "cp-plans_x.csv"):
        (inbox / name).write_text(HEADERS["children"] + "\nC9,,,,,,,\n")
    con, result = run(inbox, seeds)
    assert con.execute("select child_id, date_of_birth, sex, upn, postcode from src_children "
                       "order by date_of_birth nulls last").fetchall() == [
        (pid("C1"), dt.date(2015, 2, 1), "F", None, None),  # the UPN passed its check; not stored
        (pid("C2"), None, "M", None, None)]
    r = report(result, "children")
    assert (r["file"], r["rows_read"], r["extra_columns"]) == ("children_a.csv", 2, "Worker notes")
    r = report(result, "referrals")
    assert (r["rows_loaded"], r["extra_columns"]) == (1, "Notes, free text")
    assert sorted(result.ignored_files) == sorted(
        ["children.csv", "notes.csv", "Children.txt", "referral_x.csv", "cp-plans_x.csv"])


def test_xlsx_numbers_booleans_date_cells_and_blank_rows(folders):
    openpyxl = pytest.importorskip("openpyxl")
    inbox, seeds = folders
    write_csv(inbox, "children", ["45079258,,,,,,,"])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS["referrals"].split(","))
    ws.append(["R1", 45079258, dt.date(2024, 1, 5), 4, "N1", 1, None, "RC8", 0])         # 2
    ws.append(["R2", "45079258", dt.datetime(2024, 1, 5), 10, "n1", True, dt.date(2024, 2, 1),
               "RC8", False])                                                                # 3
    ws.append([None] * 9)                                                                    # 4
    ws.append(["R3", "45079258", "05/01/2024", "5C", "N1", "N", None, None, None])           # 5
    ws.append(["R4", "45079258", 45296, "5C", "N1", "N", None, None, None])                  # 6
    ws.append(["R5", "45079258", dt.date(2024, 1, 5), "5C", "N1", "N", dt.date(2024, 1, 4),
               None, None])                                                                  # 7
    ws.append(["R6", "45079258", dt.date(2025, 7, 1), "5C", "N1", "N", None, None, None])    # 8
    ws.append(["R7", "45079258", dt.date(2024, 1, 5), 1.0, "N1", 2, None, None, None])       # 9
    wb.save(inbox / "Referrals_2025.XLSX")
    con, result = run(inbox, seeds)
    assert con.execute("select referral_id, child_id, referral_date, referral_source, "
                       "primary_need, referral_nfa, closure_date, neglect_flag "
                       "from src_referrals order by referral_source").fetchall() == [
        (pid("R2"), pid("45079258"), dt.date(2024, 1, 5), "10", "N1", True, dt.date(2024, 2, 1), False),
        (pid("R1"), pid("45079258"), dt.date(2024, 1, 5), "4", "N1", True, None, False),
        (pid("R3"), pid("45079258"), dt.date(2024, 1, 5), "5C", "N1", False, None, None)]
    assert [q[:3] for q in quarantined(con, "referrals")] == [
        (6, "bad_date", "referral_date"),
        (7, "end_before_start", "closure_date"),
        (8, "future_date", "referral_date"),
        (9, "bad_yes_no", "referral_nfa")]
    r = report(result, "referrals")
    assert (r["file"], r["rows_read"]) == ("Referrals_2025.XLSX", 7)
