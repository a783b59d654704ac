"""Ingest: delivery rules, bad input of every kind, quarantine accounting, re-runs."""

from __future__ import annotations

import datetime as dt
import os
import time

import duckdb
import pytest

from lscp_core.errors import RunFailed, UserError
from pipelines.ingest import ingest
from pipelines.ingest.pseudonymise import pseudonymise
from tests.support.samples import HEADERS, write_csv, write_seeds

RUN_DATE = dt.date(2025, 6, 30)
KEY = b"test-key-not-secret"


def pid(raw: str) -> str:
    return pseudonymise([raw], KEY)[0]


def run(inbox, seeds, con=None, previous=None, run_id="run1"):
    con = con or duckdb.connect()
    result = ingest(con, inbox, seeds, run_id=run_id, key=KEY, run_date=RUN_DATE,
                    previous=previous)
    return con, result


def report(result, extract, status=None):
    rows = [r for r in result.reports if r["extract"] == extract
            and (status is None or r["status"] == status)]
    assert len(rows) == 1, rows
    return rows[0]


def quarantined(con, extract, run_id="run1"):
    return con.execute(
        'select line, rule, "column", value from quarantine where run_id = ? and extract = ? '
        "order by line", [run_id, extract]).fetchall()


def children_rows(*ids):
    return [f"{i},01/02/2015,,F,WBRI,N,NS1 4AB," for i in ids]


def test_valid_rows_are_typed_normalised_and_pseudonymised(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", [
        " 007 ,2015-03-27,,1,wbri,Yes,  NS1 4AB ,a123456789012",
        "008,5/1/2016,,2,BAFR,no,,",
        "009,,2025-09-01,9,,TRUE,ns2,",
        "010,29/02/2024,,0,,,,",
    ])
    con, result = run(inbox, seeds)
    rows = con.execute("select * from src_children order by date_of_birth nulls last").fetchall()
    assert rows == [
        # the UPN is checked, then not stored (a national identifier no indicator needs)
        (pid("007"), dt.date(2015, 3, 27), None, "M", "WBRI", True, "NS1 4AB", None),
        (pid("008"), dt.date(2016, 1, 5), None, "F", "BAFR", False, None, None),
        (pid("010"), dt.date(2024, 2, 29), None, "U", None, None, None, None),
        (pid("009"), None, dt.date(2025, 9, 1), "U", None, True, "ns2", None),
    ]
    r = report(result, "children")
    assert (r["status"], r["rows_read"], r["rows_loaded"], r["rows_quarantined"]) == \
        ("loaded", 4, 4, 0)


@pytest.mark.parametrize("value, rule", [
    ("12/25/2020", "bad_date"),      # US order
    ("01/02/20", "bad_date"),        # two-digit year
    ("29/02/2023", "bad_date"),      # not a leap year
    ("2020-13-01", "bad_date"),
    ("next week", "bad_date"),
    ("01/07/2025", "future_date"),   # the day after the run date
    ("30/06/2025", None),            # the run date itself is fine
    ("1/7/2020", None),              # D/M/YYYY
])
def test_dates(folders, value, rule):
    inbox, seeds = folders
    write_csv(inbox, "children", children_rows("C1"))
    write_csv(inbox, "referrals", [f"R1,C1,{value},1A,N1,N,,,Y"])
    con, _ = run(inbox, seeds)
    expected = [] if rule is None else [(2, rule, "referral_date", value)]
    assert quarantined(con, "referrals") == expected


def test_codes_yes_no_numbers_and_formats(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", [
        "C1,,,X,,,,",                # unknown sex
        "C2,,,M,,maybe,,",           # bad yes/no
        "C3,,,M,,,,A12345",          # bad UPN
        "C4,,,M,,,,A12345678901B",   # good UPN (letter at the end)
        "C5,,,m,,,,",
    ])
    write_csv(inbox, "cp_plans", [
        "P1,,C4,2024-01-01,,physical ABUSE,neglect,0",
        "P2,,C4,2024-02-01,,Neglectful,,",
        "P3,,C4,2024-03-01,,NEG,,-1",
        "P4,,C4,2024-04-01,,NEG,,1.5",
        "P5,,C4,2024-05-01,,,,",
    ])
    write_csv(inbox, "attendance", [
        "C1,2024/25,AUT,100,5",
        "C1,2024/26,SPR,100,5",
        "C1,24/25,SUM,100,5",
        "C1,2024/25,WIN,100,5",
        "C1,2024/25,SUM,0,0",
        "C1,2024/25,SUM,100,101",
    ])
    write_csv(inbox, "assessments", [])
    con, _ = run(inbox, seeds)
    assert quarantined(con, "children") == [
        (2, "unknown_code", "sex", "X"),
        (3, "bad_yes_no", "disability", "maybe"),
        (4, "bad_format", "upn", None),
    ]
    assert quarantined(con, "cp_plans") == [
        (3, "unknown_code", "initial_category", "Neglectful"),
        (4, "out_of_range", "previous_cp_plans", "-1"),
        (5, "bad_integer", "previous_cp_plans", "1.5"),
        (6, "required", "initial_category", None),
    ]
    assert con.execute("select initial_category, latest_category from src_cp_plans").fetchall() \
        == [("PHY", "NEG")]
    assert quarantined(con, "attendance") == [
        (3, "bad_format", "academic_year", "2024/26"),
        (4, "bad_format", "academic_year", "24/25"),
        (5, "unknown_code", "term", "WIN"),
        (6, "out_of_range", "sessions_possible", "0"),
        (7, "out_of_range", "sessions_missed", "101"),
    ]


def test_factors_are_split_and_21_stands_alone(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", children_rows("C1"))
    write_csv(inbox, "referrals", ["R1,C1,2024-01-01,1A,N1,N,,,Y"])
    write_csv(inbox, "assessments", [
        'A1,R1,C1,2024-01-02,,"16a, 3B"',
        "A2,R1,C1,2024-01-02,,21;16A",
        "A3,R1,C1,2024-01-02,,99Z",
        "A4,R1,C1,2024-01-02,,21",
    ])
    con, _ = run(inbox, seeds)
    assert sorted(con.execute("select assessment_id, factors from src_assessments").fetchall()) \
        == sorted([(pid("A1"), ["16A", "3B"]), (pid("A4"), ["21"])])
    assert [q[:3] for q in quarantined(con, "assessments")] == [
        (3, "bad_combination", "factors"), (4, "unknown_code", "factors")]


def test_duplicates_first_loads_later_quarantined(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", children_rows("C1", "C2", "C1", "C1"))
    write_csv(inbox, "two_year_olds", [
        "2024-SPR,C1,,Y", "2024-SUM,C1,,N", "2024-spr,C1,,N", "2024-SPR,C2,,N"])
    con, result = run(inbox, seeds)
    assert quarantined(con, "children") == [(4, "duplicate", "child_id", pid("C1")),
                                            (5, "duplicate", "child_id", pid("C1"))]
    assert con.execute("select count(*) from src_children").fetchall() == [(2,)]
    assert quarantined(con, "two_year_olds") == [(4, "duplicate", "child_id", pid("C1"))]
    assert con.execute("select registered from src_two_year_olds where term = '2024-SPR' "
                       "and child_id = ?", [pid("C1")]).fetchall() == [(True,)]


def test_cross_file_rules_and_warnings(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", children_rows("C1"))
    write_csv(inbox, "referrals", ["R1,C1,2024-03-01,1A,N1,N,,,Y",
                                   "R2,C9,2024-03-01,1A,N1,N,,,Y"])
    write_csv(inbox, "assessments", ["A1,R1,C1,2024-03-01,,16A",
                                     "A2,R9,C1,2024-03-05,,16A",
                                     "A3,R1,C1,28/2/2024,,16A",  # shown as sent
                                     "A4,R2,C9,2024-03-05,,16A"])
    write_csv(inbox, "cp_plans", ["P1,R1,C9,2024-04-01,,NEG,,0"])
    con, result = run(inbox, seeds)
    assert quarantined(con, "referrals") == [(3, "orphan_child", "child_id", pid("C9"))]
    assert quarantined(con, "assessments") == [
        (3, "orphan_referral", "referral_id", pid("R9")),
        (4, "before_referral", "start_date", "28/2/2024"),
        (5, "orphan_referral", "referral_id", pid("R2")),  # its referral was itself quarantined
    ]
    assert con.execute("select count(*) from src_cp_plans").fetchall() == [(1,)]
    assert "child_id not in children" in report(result, "cp_plans")["warnings"]


def test_end_before_start(folders):
    inbox, seeds = folders
    write_csv(inbox, "cp_plans", ["P1,,C1,2024-01-01,2024-01-01,NEG,,0",
                                  "P2,,C1,2024-02-01,2024-01-31,NEG,,0",
                                  "P3,,C1,2024-03-01,2024-03-02,NEG,,0"])
    write_csv(inbox, "looked_after", ["L1,C1,2024-01-01,2024-01-01,N1,",
                                      "L2,C1,2024-01-05,2024-01-04,N1,"])
    con, _ = run(inbox, seeds)
    assert [q[:3] for q in quarantined(con, "cp_plans")] == [
        (2, "end_before_start", "end_date"), (3, "end_before_start", "end_date")]
    assert [q[:3] for q in quarantined(con, "looked_after")] == [(3, "end_before_start", "end_date")]


@pytest.mark.parametrize("content, message", [
    (b"", "empty file"),
    (b"\n\n  \n", "empty file"),
    (bytes(range(256)) * 20, "not a CSV or XLSX file"),
    (b"child_id;date_of_birth;sex\nC1;2015-01-01;M\n", "semicolon-delimited?"),
    (b"child_id\tsex\nC1\tM\n", "tab-delimited?"),
    (b"child_id,sex,Child ID\nC1,M,C1\n", "duplicated column: child_id"),
    (b"referral_id,child_id,referral_source\nR1,C1,1A\n", "missing required column: referral_date"),
])
def test_file_level_failures(folders, content, message):
    inbox, seeds = folders
    extract = "referrals" if b"referral_id" in content else "children"
    (inbox / f"{extract}_bad.csv").write_bytes(content)
    _con, result = run(inbox, seeds)
    r = report(result, extract, "failed")
    assert r["message"].startswith(message), r["message"]
    assert (r["rows_read"], r["rows_loaded"], r["rows_quarantined"]) == (0, 0, 0)
    assert any(message in f for f in result.file_failures)


def test_header_only_is_a_valid_empty_file(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", [])
    con, result = run(inbox, seeds)
    r = report(result, "children")
    assert (r["status"], r["rows_read"], r["message"]) == ("loaded", 0, "header only: no data rows")
    assert not result.file_failures


def test_encodings_windows_1252_and_bom(folders):
    inbox, seeds = folders
    header = HEADERS["children"] + ",Worker Name"
    write_csv(inbox, "children", ["C1,,,M,Éire,,,,Zoë Brontë £5", "C2,,,F,,,,,Renée"],
              encoding="cp1252", header=header)
    write_csv(inbox, "referrals", ["R1,C2,2024-01-01,1A,N1,N,,,Y"], encoding="utf-8-sig")
    con, result = run(inbox, seeds)
    assert quarantined(con, "children") == [(2, "unknown_code", "ethnicity", "Éire")]
    assert report(result, "children")["extra_columns"] == "Worker Name"
    assert report(result, "referrals")["rows_loaded"] == 1
    archive = dict(con.execute("select extract, encoding from archive_files").fetchall())
    assert archive == {"children": "windows-1252", "referrals": "utf-8 with BOM"}


def test_headers_match_ignoring_case_spaces_and_underscores(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", children_rows("C1"))
    write_csv(inbox, "referrals", ["C1,2024-01-01,R1"],
              header=" Child ID ,REFERRAL date,referral__id")
    con, _ = run(inbox, seeds)
    assert con.execute("select referral_id, referral_date from src_referrals").fetchall() == \
        [(pid("R1"), dt.date(2024, 1, 1))]


def test_line_numbers_survive_blank_lines_quoted_newlines_and_ragged_rows(folders):
    inbox, seeds = folders
    text = (HEADERS["children"] + "\n"
            "C1,,,M,,,,\n"
            "\n"
            'C2,,,F,,,"NS1\n4AB",\n'
            "C3,,,Q,,,,\n"
            "C4,,,M\n"
            "C5,,,M,,,,,x\n"
            "C6,,,M,,,,,,\n")  # only empty fields after the last: loads, as on the fast path
    (inbox / "children_x.csv").write_text(text)
    con, result = run(inbox, seeds)
    assert [q[:3] for q in quarantined(con, "children")] == [
        (6, "unknown_code", "sex"), (7, "bad_format", None), (8, "bad_format", None)]
    r = report(result, "children")
    assert (r["rows_read"], r["rows_loaded"], r["rows_quarantined"]) == (6, 3, 3)


def test_ragged_rows_on_the_fast_path(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", ["C1,,,M,,,,", "C2,,,M", "C3,,,X,,,,"])
    con, result = run(inbox, seeds)
    assert [q[:3] for q in quarantined(con, "children")] == [
        (3, "bad_format", None), (4, "unknown_code", "sex")]
    assert "4 fields" in quarantined(con, "children")[0][3]


def test_xlsx_with_date_cells_and_text_dates(folders):
    openpyxl = pytest.importorskip("openpyxl")
    inbox, seeds = folders
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Child_ID", "Date of Birth", "sex", "disability"])
    ws.append(["007", dt.date(2015, 3, 27), "M", True])
    ws.append(["008", "27/03/2015", "F", "N"])
    ws.append([None, None, None, None])
    ws.append([9, "03/27/2015", "F", "N"])
    ws.append([10, dt.datetime(2016, 1, 2), 2, "Y"])
    wb.save(inbox / "CHILDREN_2025.xlsx")
    con, result = run(inbox, seeds)
    assert con.execute("select child_id, date_of_birth, sex from src_children order by 2, 1").fetchall() \
        == sorted([(pid("007"), dt.date(2015, 3, 27), "M"), (pid("008"), dt.date(2015, 3, 27), "F"),
                   (pid("10"), dt.date(2016, 1, 2), "F")], key=lambda r: (r[1], r[0]))
    assert quarantined(con, "children") == [(5, "bad_date", "date_of_birth", "03/27/2015")]
    assert report(result, "children")["rows_read"] == 4


def test_newest_file_wins_and_prefix_is_case_insensitive(folders):
    inbox, seeds = folders
    old = write_csv(inbox, "children", children_rows("C1"), name="old")
    new = inbox / "Children_New.CSV"
    new.write_text(HEADERS["children"] + "\n" + "\n".join(children_rows("C1", "C2")) + "\n")
    os.utime(old, (time.time() - 100, time.time() - 100))
    (inbox / "cp_plans_notes.txt").write_text("not an extract")
    _con, result = run(inbox, seeds)
    r = report(result, "children")
    assert (r["file"], r["rows_loaded"]) == ("Children_New.CSV", 2)
    assert "cp_plans_notes.txt" in result.ignored_files


def test_every_file_balances_and_missing_extracts_are_reported(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", children_rows("C1", "C1", "C2"))
    _con, result = run(inbox, seeds)
    for r in result.reports:
        assert r["rows_read"] == r["rows_loaded"] + r["rows_quarantined"]
    assert report(result, "attendance")["status"] == "missing"
    assert result.rows_loaded == 2 and result.rows_quarantined == 1


def test_raw_child_ids_appear_in_no_table(folders):
    inbox, seeds = folders
    raw_ids = ["RAWID0001", "RAWID0002", "RAWID0003", "RAWID0004"]
    write_csv(inbox, "children", [f"{raw_ids[0]},2015-01-01,,M,,,,",
                                  f"{raw_ids[0]},2015-01-01,,M,,,,",
                                  f"{raw_ids[1]},bad,,M,,,,"])
    write_csv(inbox, "referrals", [f"R1,{raw_ids[2]},2024-01-01,1A,N1,N,,,Y"])
    write_csv(inbox, "attendance", [f"{raw_ids[3]},2024/25,AUT,100,5"])
    con, _ = run(inbox, seeds)
    # every table, the connection's TEMP ones included (the id map must be gone)
    tables = [f'"{db}"."{name}"' for db, name in con.execute(
        "select database_name, table_name from duckdb_tables()").fetchall()]
    assert '"memory"."quarantine"' in tables and '"memory"."src_children"' in tables
    for table in tables:
        text = con.execute(f"select string_agg(cast(columns(*) as varchar), '|') from {table}").fetchall()
        blob = " ".join(str(v) for v in text[0])
        for raw in raw_ids:
            assert raw not in blob, f"{raw} found in {table}"
    assert con.execute("select count(*) from quarantine where value = ?", [pid(raw_ids[0])]).fetchall() == [(1,)]


def test_second_run_with_the_same_inbox_loads_nothing_new(folders, tmp_path):
    inbox, seeds = folders
    write_csv(inbox, "children", children_rows("C1", "C1"))
    write_csv(inbox, "referrals", ["R1,C1,2024-01-01,1A,N1,N,,,Y", "R2,C7,2024-01-01,1A,N1,N,,,Y"])
    db1 = tmp_path / "one.duckdb"
    con1, first = run(inbox, seeds, con=duckdb.connect(str(db1)))
    con1.close()
    con2 = duckdb.connect(str(tmp_path / "two.duckdb"))
    con2.execute(f"attach '{db1}' as prev (read_only)")
    con2, second = run(inbox, seeds, con=con2, previous="prev", run_id="run2")
    for extract in ("children", "referrals"):
        r1, r2 = report(first, extract), report(second, extract)
        assert r2["status"] == "unchanged" and r2["message"] == "already loaded, not loaded again"
        assert (r1["rows_read"], r1["rows_loaded"], r1["rows_quarantined"]) == \
            (r2["rows_read"], r2["rows_loaded"], r2["rows_quarantined"])
    assert con2.execute("select count(*) from archive_files").fetchall() == [(2,)]
    assert quarantined(con2, "children", "run2") == quarantined(con2, "children", "run1")
    assert quarantined(con2, "referrals", "run2") == [(3, "orphan_child", "child_id", pid("C7"))]
    assert con2.execute("select count(distinct run_id) from load_report").fetchall() == [(2,)]


def test_a_failed_file_keeps_the_previous_version_in_force(folders, tmp_path):
    inbox, seeds = folders
    good = write_csv(inbox, "children", children_rows("C1", "C2"), name="jan")
    db1 = tmp_path / "one.duckdb"
    run(inbox, seeds, con=duckdb.connect(str(db1)))[0].close()
    bad = inbox / "children_feb.csv"
    bad.write_text("child_id;sex\nC1;M\n")
    os.utime(good, (time.time() - 100, time.time() - 100))
    con2 = duckdb.connect(str(tmp_path / "two.duckdb"))
    con2.execute(f"attach '{db1}' as prev (read_only)")
    con2, result = run(inbox, seeds, con=con2, previous="prev", run_id="run2")
    assert report(result, "children", "failed")["file"] == "children_feb.csv"
    kept = report(result, "children", "unchanged")
    assert (kept["file"], kept["rows_loaded"]) == ("children_jan.csv", 2)
    assert con2.execute("select count(*) from src_children").fetchall() == [(2,)]


def test_a_changed_children_file_rechecks_unchanged_referrals(folders, tmp_path):
    inbox, seeds = folders
    write_csv(inbox, "children", children_rows("C1"), name="jan")
    write_csv(inbox, "referrals", ["R1,C2,2024-01-01,1A,N1,N,,,Y"])
    db1 = tmp_path / "one.duckdb"
    con1, first = run(inbox, seeds, con=duckdb.connect(str(db1)))
    assert report(first, "referrals")["rows_quarantined"] == 1
    con1.close()
    (inbox / "children_jan.csv").unlink()
    write_csv(inbox, "children", children_rows("C1", "C2"), name="feb")
    con2 = duckdb.connect(str(tmp_path / "two.duckdb"))
    con2.execute(f"attach '{db1}' as prev (read_only)")
    con2, second = run(inbox, seeds, con=con2, previous="prev", run_id="run2")
    r = report(second, "referrals")
    assert (r["status"], r["rows_loaded"], r["rows_quarantined"]) == ("unchanged", 1, 0)


def test_broken_seeds_stop_the_run(folders):
    inbox, seeds = folders
    (seeds / "population.csv").write_text("locality_code,year,population_0_17\nN,twenty,100\n")
    with pytest.raises(RunFailed, match=r"^seeds/population.csv: line 2: year 'twenty'"):
        run(inbox, seeds)
    (seeds / "population.csv").write_text("locality_code,year,population_0_17\nZ,2024,100\n")
    with pytest.raises(RunFailed, match="seeds/population.csv: 1 rows with locality_code not in"):
        run(inbox, seeds)
    (seeds / "population.csv").unlink()
    with pytest.raises(RunFailed, match="seeds/population.csv: file missing"):
        run(inbox, seeds)


def test_seeds_are_loaded_in_file_order(folders):
    inbox, seeds = folders
    _con, _ = run(inbox, seeds)
    assert _con.execute("select agency_code from seed_agencies").fetchall() == \
        [("POL",), ("SCH",), ("HV",)]


def test_missing_inbox_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        run(tmp_path / "nope", write_seeds(tmp_path / "seeds"))


def test_xlsx_lines_are_sheet_rows_even_below_blank_rows(folders):
    openpyxl = pytest.importorskip("openpyxl")
    inbox, seeds = folders
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A3"], ws["B3"] = "child_id", "sex"
    ws["A4"], ws["B4"] = "C1", "M"
    ws["A6"], ws["B6"] = "C2", "X"
    wb.save(inbox / "children_x.xlsx")
    con, result = run(inbox, seeds)
    assert quarantined(con, "children") == [(6, "unknown_code", "sex", "X")]
    assert report(result, "children")["rows_read"] == 2


def test_xlsx_that_is_not_a_workbook_fails(folders):
    inbox, seeds = folders
    (inbox / "children_x.xlsx").write_text("child_id\nC1\n")
    _con, result = run(inbox, seeds)
    assert report(result, "children", "failed")["message"].startswith("not a CSV or XLSX file")


def test_a_changed_key_reloads_an_unchanged_file(folders, tmp_path):
    inbox, seeds = folders
    write_csv(inbox, "children", children_rows("C1"))
    db1 = tmp_path / "one.duckdb"
    run(inbox, seeds, con=duckdb.connect(str(db1)))[0].close()
    con2 = duckdb.connect(str(tmp_path / "two.duckdb"))
    con2.execute(f"attach '{db1}' as prev (read_only)")
    result = ingest(con2, inbox, seeds, run_id="run2", key=b"another key", run_date=RUN_DATE,
                    previous="prev")
    assert report(result, "children")["status"] == "loaded"
    assert con2.execute("select child_id from src_children").fetchall() == \
        [(pseudonymise(["C1"], b"another key")[0],)]


def test_history_is_carried_over_and_an_old_file_dropped_again_is_not_reloaded(folders, tmp_path):
    inbox, seeds = folders
    jan = write_csv(inbox, "children", children_rows("C1"), name="jan")
    os.utime(jan, (time.time() - 200, time.time() - 200))
    previous = None
    for n, rows in ((1, None), (2, ["C1", "C2"]), (3, None)):
        if rows:
            feb = write_csv(inbox, "children", children_rows(*rows), name="feb")
            os.utime(feb, (time.time() - 100, time.time() - 100))
        if n == 3:  # January's file dropped again, now the newest
            again = inbox / "children_jan_again.csv"
            again.write_bytes(jan.read_bytes())
        con = duckdb.connect(str(tmp_path / f"db{n}.duckdb"))
        if previous:
            con.execute(f"attach '{previous}' as prev (read_only)")
        con, result = run(inbox, seeds, con=con, previous="prev" if previous else None,
                          run_id=f"run{n}")
        con.close()
        previous = tmp_path / f"db{n}.duckdb"
    r = report(result, "children")
    assert r["status"] == "unchanged" and "not loaded twice" in r["message"]
    assert (r["file"], r["rows_loaded"]) == ("children_feb.csv", 2)
    con = duckdb.connect(str(previous), read_only=True)
    assert con.execute("select run_id, file, in_force from archive_files order by loaded_at").fetchall() \
        == [("run1", "children_jan.csv", False), ("run2", "children_feb.csv", True)]
    assert con.execute("select distinct run_id from load_report order by 1").fetchall() == \
        [("run1",), ("run2",), ("run3",)]


def test_progress_prints_one_line_per_extract_and_a_summary(folders):
    import io

    inbox, seeds = folders
    write_csv(inbox, "children", children_rows("C1", "C1"))
    stream = io.StringIO()
    result = ingest(duckdb.connect(), inbox, seeds, run_id="run1", key=KEY,
                    run_date=RUN_DATE, previous=None, progress=stream)
    lines = stream.getvalue().splitlines()
    assert [ln.split(":")[0] for ln in lines] == [f"ingest {e}" for e in
                                                  ("children", "referrals", "assessments",
                                                   "cin_plans", "cp_plans", "looked_after",
                                                   "early_help", "neglect_tools",
                                                   "two_year_olds", "attendance",
                                                   "contacts", "s47_enquiries", "cp_reviews",
                                                   "health_appointments",
                                                   "police_notifications", "missing_episodes",
                                                   "manual_measures")]
    summary = "\n".join(result.summary_lines())
    assert "children/duplicate 1" in summary and "rows loaded 1, quarantined 1" in summary


def test_a_broken_newest_file_is_not_replaced_by_an_older_one(folders):
    # spec: the newest file is the one loaded; a file-level failure leaves the previously
    # loaded version in force (here: none, so the extract has no rows)
    inbox, seeds = folders
    older = write_csv(inbox, "children", children_rows("C1", "C2"), name="2026-10")
    resend = inbox / "children_2026-10_resend.csv"
    resend.write_bytes(b"")
    os.utime(older, (time.time() - 60, time.time() - 60))
    con, result = run(inbox, seeds)
    assert [(r["file"], r["status"], r["rows_loaded"]) for r in result.reports
            if r["extract"] == "children"] == [("children_2026-10_resend.csv", "failed", 0)]
    assert con.execute("select count(*) from src_children").fetchall() == [(0,)]
    assert result.file_failures == ["children: children_2026-10_resend.csv: empty file"]


def test_gx_slices_of_a_big_file_keep_their_lines(folders, monkeypatch):
    import pipelines.ingest.extract as ingest_extract

    monkeypatch.setattr(ingest_extract, "GX_SLICE_ROWS", 1)  # one profile per GX batch
    inbox, seeds = folders
    write_csv(inbox, "children", [f"C{i},,,{'X' if i in (1, 4, 9) else 'M'},,,," for i in range(10)])
    con, result = run(inbox, seeds)
    assert [q[:2] for q in quarantined(con, "children")] == \
        [(3, "unknown_code"), (6, "unknown_code"), (11, "unknown_code")]
    assert report(result, "children")["rows_loaded"] == 7


# --- inputs found by the spec audit (each crashed, lost rows or disagreed with the spec) ---

def test_dates_of_any_year_load_or_are_judged_never_crash(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", children_rows("C1"))
    write_csv(inbox, "referrals", [
        "R1,C1,2024-01-01,1A,N1,N,9999-12-31,RC8,Y",   # 'open-ended' closure: loads
        "R2,C1,9999-12-31,1A,N1,N,,,Y",                # a referral after the run: future
        "R3,C1,01/01/1500,1A,N1,N,,,Y",                # long ago: loads
        "R4,C1,2024-01-01,1A,N1,N,0024-01-05,RC8,Y",   # closed before it started
    ])
    con, result = run(inbox, seeds)
    assert [q[:3] for q in quarantined(con, "referrals")] == [
        (3, "future_date", "referral_date"), (5, "end_before_start", "closure_date")]
    assert sorted(con.execute("select referral_id, closure_date from src_referrals").fetchall()) \
        == sorted([(pid("R1"), dt.date(9999, 12, 31)), (pid("R3"), None)])


def test_only_referral_dates_may_not_be_in_the_future(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", ["C1,01/02/2030,,F,WBRI,N,NS1 4AB,"])  # typo'd birth year
    con, result = run(inbox, seeds)
    assert quarantined(con, "children") == []
    assert report(result, "children")["rows_loaded"] == 1


def test_iso_dates_need_two_digit_months_and_days(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", children_rows("C1"))
    write_csv(inbox, "referrals", ["R1,C1,2024-1-5,1A,N1,N,,,Y", "R2,C1,5/1/2024,1A,N1,N,,,Y"])
    con, _ = run(inbox, seeds)
    assert quarantined(con, "referrals") == [(2, "bad_date", "referral_date", "2024-1-5")]


def test_old_mac_line_ends_are_read_line_by_line(folders):
    inbox, seeds = folders
    rows = [HEADERS["children"], "C1,,,M,,,,", "C2,,,X,,,,", "C3,,,F,,,,"]
    (inbox / "children_mac.csv").write_bytes("\r".join(rows).encode() + b"\r")
    con, result = run(inbox, seeds)
    assert [q[:3] for q in quarantined(con, "children")] == [(3, "unknown_code", "sex")]
    r = report(result, "children")
    assert (r["status"], r["rows_read"], r["rows_loaded"]) == ("loaded", 3, 2)


def test_a_bom_before_windows_1252_text_is_dropped(folders):
    inbox, seeds = folders
    text = HEADERS["children"] + "\r\nC1,,,M,,,,\r\nC2,,,F,,,,\r\n"
    (inbox / "children_x.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("cp1252")
                                           + "C3,,,F,,,Ch\u00e9rie,\r\n".encode("cp1252"))
    con, result = run(inbox, seeds)
    r = report(result, "children")
    assert (r["status"], r["rows_loaded"]) == ("loaded", 3)


def test_a_quote_left_open_loses_only_its_own_line(folders):
    inbox, seeds = folders
    text = (HEADERS["children"] + "\n"
            "C1,,,M,,,,\n"
            'C2,,,"F,,,,\n'       # the quote is never closed
            "C3,,,F,,,,\n"
            "C4,,,M,,,,\n")
    (inbox / "children_x.csv").write_text(text)
    con, result = run(inbox, seeds)
    assert [(q[0], q[1]) for q in quarantined(con, "children")] == [(3, "bad_format")]
    assert "never closed" in quarantined(con, "children")[0][3]
    r = report(result, "children")
    assert (r["rows_read"], r["rows_loaded"], r["rows_quarantined"]) == (4, 3, 1)
    assert con.execute("select count(*) from src_children").fetchall() == [(3,)]


def test_two_extra_columns_of_one_name_are_listed_not_fatal(folders):
    inbox, seeds = folders
    (inbox / "children_x.csv").write_text(HEADERS["children"] + ",Notes,notes\nC1,,,M,,,,,a,b\n")
    _con, result = run(inbox, seeds)
    r = report(result, "children")
    assert (r["status"], r["rows_loaded"], r["extra_columns"]) == ("loaded", 1, "Notes, notes")
    (inbox / "children_x.csv").write_text(HEADERS["children"] + ",SEX\nC1,,,M,,,,,F\n")
    _con, result = run(inbox, seeds)
    assert result.file_failures == ["children: children_x.csv: duplicated column: sex"]


def test_xlsx_date_cells_with_a_time_of_day_keep_the_date(folders):
    openpyxl = pytest.importorskip("openpyxl")
    inbox, seeds = folders
    wb = openpyxl.Workbook()
    wb.active.append(["child_id", "date_of_birth"])
    wb.active.append(["C1", dt.datetime(2016, 1, 2, 14, 30)])
    wb.save(inbox / "children_x.xlsx")
    con, _ = run(inbox, seeds)
    assert con.execute("select date_of_birth from src_children").fetchall() == [(dt.date(2016, 1, 2),)]


def test_an_unchanged_file_carried_from_an_older_database_keeps_its_rules(folders, tmp_path):
    # a database built before land tables kept the dates as sent (no _sent_start_date)
    inbox, seeds = folders
    write_csv(inbox, "children", children_rows("C1"))
    write_csv(inbox, "referrals", ["R1,C1,2024-03-01,1A,N1,N,,,Y"])
    write_csv(inbox, "assessments", ["A1,R1,C1,28/2/2024,,16A", "A2,R1,C1,2024-03-02,,16A"])
    db1 = tmp_path / "one.duckdb"
    con1, _ = run(inbox, seeds, con=duckdb.connect(str(db1)))
    con1.execute('alter table land_assessments drop column "_sent_start_date"')
    con1.close()
    con2 = duckdb.connect(str(tmp_path / "two.duckdb"))
    con2.execute(f"attach '{db1}' as prev (read_only)")
    con2, second = run(inbox, seeds, con=con2, previous="prev", run_id="run2")
    r = report(second, "assessments")
    assert (r["status"], r["rows_loaded"], r["rows_quarantined"]) == ("unchanged", 1, 1)
    # the old table has no text as sent: the typed date stands in for it
    assert quarantined(con2, "assessments", run_id="run2") == [
        (2, "before_referral", "start_date", "2024-02-28")]
