"""General rules for every format (spec/inputs.md): ISO dates beside each format's own, SQL
Server's datetime keeps its date, and a cell holding NULL (any case) is empty. Neither is a
quarantine; the load report counts both."""

from __future__ import annotations

import datetime as dt

from tests.support.census import write
from tests.support.ingesting import Ingesting, report
from tests.support.samples import write_csv

KEY = b"null-iso-test-key-not-secret-0123456789"
INGEST = Ingesting(KEY)
pid, run = INGEST.pid, INGEST.run


def test_lscp_csv_reads_null_as_empty_and_iso_dates(folders):
    inbox, seeds = folders
    # child_id,date_of_birth,expected_date_of_birth,sex,ethnicity,disability,postcode,upn
    write_csv(inbox, "children", [
        "C1,2015-01-01,NULL,M,null,Null,NS1 4AB,NULL",
        "C2,02/03/2016, null ,F,WBRI,N,NS1 4AB,",
        "C3,2017-04-05,,F,,,,",
        "C4,NULLX,,F,,,,",                       # not the word NULL: a bad date
        "C5,2017-04-05 00:00:00.000,,F,,,,",     # a time in lscp's CSV date: still bad
    ])
    con, result = run(inbox, seeds)
    assert con.execute("select child_id, date_of_birth, expected_date_of_birth, ethnicity, "
                       "disability from src_children order by date_of_birth").fetchall() == [
        (pid("C1"), dt.date(2015, 1, 1), None, None, None),
        (pid("C2"), dt.date(2016, 3, 2), None, "WBRI", False),
        (pid("C3"), dt.date(2017, 4, 5), None, None, None)]
    assert con.execute("select line, rule, value from quarantine order by line").fetchall() == [
        (5, "bad_date", "NULLX"), (6, "bad_date", "2017-04-05 00:00:00.000")]
    r = report(result, "children")
    assert (r["rows_read"], r["rows_loaded"], r["rows_quarantined"]) == (5, 3, 2)
    assert (r["iso_dates"], r["null_cells"]) == (3, 5)
    assert any("5 NULL cells as empty" in line for line in result.summary_lines())


def test_a_file_without_the_word_null_is_read_as_before(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", ["C1,01/01/2015,,M,,,,"])
    con, result = run(inbox, seeds)
    r = report(result, "children")
    assert (r["rows_loaded"], r["iso_dates"], r["null_cells"]) == (1, 0, 0)


def test_ssd_exported_from_sql_server_writes_null_in_empty_cells(folders):
    inbox, seeds = folders
    write(inbox, "ssd_person.csv", "\n".join([
        "pers_person_id,pers_sex,pers_ethnicity,pers_dob,pers_expected_dob",
        "P1,F,WBRI,2015-03-27 00:00:00.000,NULL",
        "P2,M,NULL,NULL,2025-09-01 00:00:00.000"]) + "\n")
    write(inbox, "ssd_cla_episodes.csv", "\n".join([
        "clae_cla_episode_id,clae_person_id,clae_cla_episode_start_date,"
        "clae_cla_episode_start_reason,clae_cla_primary_need_code,"
        "clae_cla_episode_ceased_date,clae_cla_episode_ceased_reason",
        "E1,P1,2024-01-01 00:00:00.000,S,N1,NULL,NULL"]) + "\n")
    con, result = run(inbox, seeds)
    assert con.execute("select child_id, date_of_birth, expected_date_of_birth, ethnicity "
                       "from src_children order by child_id").fetchall() == sorted([
        (pid("P1"), dt.date(2015, 3, 27), None, "WBRI"),
        (pid("P2"), None, dt.date(2025, 9, 1), None)])
    assert con.execute("select start_date, end_date, starts_care from src_looked_after"
                       ).fetchall() == [(dt.date(2024, 1, 1), None, True)]
    assert con.execute("select count(*) from quarantine").fetchall() == [(0,)]
    assert report(result, "children")["null_cells"] == 3
    assert report(result, "looked_after")["null_cells"] == 2


def test_xlsx_null_cells_are_empty_and_counted(folders):
    import openpyxl

    inbox, seeds = folders
    inbox.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["child_id", "date_of_birth", "expected_date_of_birth", "sex", "ethnicity"])
    sheet.append(["X1", "2015-01-01", "NULL", "M", "null"])
    sheet.append(["X2", dt.datetime(2016, 2, 3), None, "F", "WBRI"])
    book.save(inbox / "children_book.xlsx")
    con, result = run(inbox, seeds)
    assert con.execute("select date_of_birth, expected_date_of_birth, ethnicity "
                       "from src_children order by 1").fetchall() == [
        (dt.date(2015, 1, 1), None, None), (dt.date(2016, 2, 3), None, "WBRI")]
    r = report(result, "children")
    # a text cell written ISO counts; a real date cell does not
    assert (r["rows_quarantined"], r["iso_dates"], r["null_cells"]) == (0, 1, 2)
