"""The SSDA903 return: header and episodes CSVs recognised by their header rows, episodes
collapsed into periods of care, and the episodes that cannot form a period quarantined."""

from __future__ import annotations

import datetime as dt

from tests.support.census import write
from tests.support.ingesting import Ingesting, report
from tests.support.samples import write_csv

KEY = b"ssda903-test-key-not-secret-0123456789"
INGEST = Ingesting(KEY)
pid, run = INGEST.pid, INGEST.run
EPISODES = ("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
            "HOME_POST,PL_POST,URN")
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"


def episodes(*rows: str) -> str:
    return "\n".join([EPISODES, *rows]) + "\n"


def ep(child, decom, rne, cin, dec="", rec="", home="NS1 4"):
    return f"{child},{decom},{rne},C2,{cin},U1,PR1,{dec},{rec},,{home},NS2 1,SC1"


def periods(con):
    return con.execute("select period_id, child_id, start_date, end_date, category_of_need, "
                       "starts_care from src_looked_after order by start_date, child_id"
                       ).fetchall()


def quarantine(con):
    return con.execute('select file, line, rule, "column", value from quarantine '
                       "where extract = 'looked_after' order by line").fetchall()


def test_a_period_over_three_episodes_joined_by_x1(folders):
    inbox, seeds = folders
    write(inbox, "903_episodes_2025.csv", episodes(
        ep("L1", "01/04/2024", "S", "N1", "10/05/2024", "X1"),
        ep("L1", "10/05/2024", "P", "N2", "01/09/2024", "X1"),
        ep("L1", "01/09/2024", "L", "N3", "28/02/2025", "E11"),
    ))
    con, result = run(inbox, seeds)
    assert periods(con) == [(pid("L1-2024-04-01"), pid("L1"), dt.date(2024, 4, 1),
                             dt.date(2025, 2, 28), "N1", True)]
    r = report(result, "looked_after")
    # rows are episodes: all three are part of the one period loaded
    assert (r["file"], r["source_format"], r["rows_read"], r["rows_loaded"],
            r["rows_quarantined"]) == ("903_episodes_2025.csv", "ssda903", 3, 3, 0)
    assert "3 episodes: 3 in 1 periods of care" in r["message"]


def test_a_re_entry_to_care_is_a_second_period_and_an_open_one_has_no_end(folders):
    inbox, seeds = folders
    write(inbox, "eps.csv", episodes(
        ep("L2", "01/04/2024", "S", "N1", "01/06/2024", "E13"),
        ep("L2", "01/10/2024", "S", "N4"),
    ))
    con, _ = run(inbox, seeds)
    assert periods(con) == [
        (pid("L2-2024-04-01"), pid("L2"), dt.date(2024, 4, 1), dt.date(2024, 6, 1), "N1", True),
        (pid("L2-2024-10-01"), pid("L2"), dt.date(2024, 10, 1), None, "N4", True)]


def test_a_gap_between_episodes_quarantines_the_period_not_guessed(folders):
    inbox, seeds = folders
    write(inbox, "eps.csv", episodes(
        ep("L3", "01/04/2024", "S", "N1", "10/05/2024", "X1"),
        ep("L3", "20/05/2024", "P", "N1", "01/09/2024", "E11"),   # ten days missing
        ep("L4", "01/04/2024", "S", "N2", "10/05/2024", "E11"),
    ))
    con, result = run(inbox, seeds)
    assert [p[1] for p in periods(con)] == [pid("L4")]
    # the episode before the gap is not part of any period either: quarantined, not dropped
    assert quarantine(con) == [
        ("eps.csv", 2, "period_not_formed", None, "episode_gap at line 3"),
        ("eps.csv", 3, "episode_gap", "DECOM", "20/05/2024")]
    r = report(result, "looked_after")
    assert (r["rows_read"], r["rows_loaded"], r["rows_quarantined"]) == (3, 1, 2)


def test_dec_before_decom_and_an_episode_with_no_open_period(folders):
    inbox, seeds = folders
    write(inbox, "eps.csv", episodes(
        ep("L5", "01/04/2024", "S", "N1", "01/03/2024", "E11"),   # DEC before DECOM
        ep("L6", "01/04/2024", "S", "N1", "01/05/2024", "E11"),
        ep("L6", "01/06/2024", "P", "N1", "01/07/2024", "E11"),   # no S after the end
        ep("L7", "01/04/2024", "S", "N1", "01/05/2024", "X1"),
        ep("L7", "03/05/2024", "S", "N1"),                        # X1, then a gap and an S
        ep("L8", "01/04/2024", "S", "N1"),
        ep("L8", "01/05/2024", "P", "N1"),                        # the first never ended
        ep("L9", "01/04/2024", "S", "N1", "01/05/2024", "X1"),   # X1 and nothing after
    ))
    con, result = run(inbox, seeds)
    # L6's first period ended properly: it loads; the episode after it does not fit
    assert periods(con) == [(pid("L6-2024-04-01"), pid("L6"), dt.date(2024, 4, 1),
                             dt.date(2024, 5, 1), "N1", True)]
    assert quarantine(con) == [
        ("eps.csv", 2, "end_before_start", "DEC", "01/03/2024"),
        ("eps.csv", 4, "no_open_period", "RNE", "P"),
        ("eps.csv", 5, "period_not_formed", None, "episode_gap at line 6"),
        ("eps.csv", 6, "episode_gap", "DECOM", "03/05/2024"),
        ("eps.csv", 7, "period_not_formed", None, "episode_overlap at line 8"),
        ("eps.csv", 8, "episode_overlap", "DECOM", "01/05/2024"),
        ("eps.csv", 9, "no_next_episode", "REC", "X1"),
    ]
    r = report(result, "looked_after")
    assert (r["rows_read"], r["rows_loaded"], r["rows_quarantined"]) == (8, 1, 7)


def test_header_gives_children_and_the_latest_home_postcode(folders):
    inbox, seeds = folders
    write(inbox, "903_header.csv", "\n".join([
        HEADER, "H1,1,05/06/2012,WBRI,,,", "H2,2,07/08/2013,BAFR,,,"]) + "\n")
    write(inbox, "903_episodes.csv", episodes(
        ep("H1", "01/04/2023", "S", "N1", "01/05/2023", "E11", home="NS1 4"),
        ep("H1", "01/06/2024", "S", "N1", home="NS2 9"),
        ep("H9", "01/04/2024", "S", "N2"),    # no header row for this child
    ))
    con, result = run(inbox, seeds)
    assert con.execute("select child_id, date_of_birth, sex, ethnicity, postcode "
                       "from src_children order by date_of_birth").fetchall() == [
        (pid("H1"), dt.date(2012, 6, 5), "M", "WBRI", "NS2 9"),
        (pid("H2"), dt.date(2013, 8, 7), "F", "BAFR", None)]
    # the child with no header row still has its period; the mismatch is a warning
    assert pid("H9") in {p[1] for p in periods(con)}
    assert "not in children" in (report(result, "looked_after")["warnings"] or "")
    assert report(result, "children")["source_format"] == "ssda903"


def test_a_children_csv_keeps_its_rows_and_postcodes_fill_only_blanks(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", ["H1,01/02/2012,,F,WBRI,N,NS1 4AB,", "H2,01/02/2013,,F,,,,"])
    write(inbox, "903_header.csv", "\n".join([
        HEADER, "H1,1,05/06/2012,WBRI,,,", "H2,2,07/08/2013,BAFR,,,",
        "H3,2,07/08/2014,BAFR,,,"]) + "\n")
    write(inbox, "903_episodes.csv", episodes(
        ep("H1", "01/04/2024", "S", "N1", home="NS2 9"),
        ep("H2", "01/04/2024", "S", "N1", home="NS2 9")))
    con, result = run(inbox, seeds)
    assert con.execute("select child_id, sex, postcode from src_children "
                       "order by date_of_birth").fetchall() == [
        (pid("H1"), "F", "NS1 4AB"), (pid("H2"), "F", "NS2 9"), (pid("H3"), "F", None)]
    r = report(result, "children")
    assert (r["file"], r["source_format"]) == \
        ("children_extract.csv + 903_header.csv", "csv + ssda903")
    assert "2 rows superseded" in r["message"]
    assert (r["rows_read"], r["rows_loaded"], r["rows_quarantined"], r["rows_superseded"]) == \
        (5, 3, 0, 2)


def test_a_csv_that_is_neither_an_extract_nor_ssda903_is_ignored(folders):
    inbox, seeds = folders
    write(inbox, "notes.csv", "a,b\n1,2\n")
    _con, result = run(inbox, seeds)
    assert "notes.csv" in result.ignored_files
    assert report(result, "looked_after")["status"] == "missing"


# --- the whole return, as a council sends it ---------------------------------------------

def test_every_table_by_its_whole_header_uasc_is_not_the_header(folders):
    inbox, seeds = folders
    write(inbox, "header.csv", "\n".join([HEADER, "H1,1,05/06/2012,WBRI,,,"]) + "\n")
    write(inbox, "uasc.csv", "CHILD,SEX,DOB,DUC\nU1,2,18/10/2010,13/10/2028\n")
    write(inbox, "episodes.csv", episodes(ep("H1", "01/04/2024", "S", "N1")))
    write(inbox, "missing.csv", "CHILD,DOB,MISSING,MIS_START,MIS_END\nH1,05/06/2012,A,"
                                "13/11/2024,25/11/2024\n")
    write(inbox, "reviews.csv", "\ufeffchild, dob ,Review,REVIEW_CODE\nH1,05/06/2012,"
                                "30/08/2024,PN6\n")   # case, spaces and a BOM do not matter
    write(inbox, "oc2.csv", "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,"
                            "IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,"
                            "INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n")
    write(inbox, "notes.csv", "CHILD,SEX,DOB\nH1,1,05/06/2012\n")   # three columns: no table
    con, result = run(inbox, seeds)
    assert con.execute("select child_id from src_children").fetchall() == [(pid("H1"),)]
    assert report(result, "children")["file"] == "header.csv"
    listed = report(result, "looked_after")["extra_columns"]
    assert listed.endswith("; SSDA903 table, not used: oc2.csv (oc2), "
                           "reviews.csv (reviews), uasc.csv (uasc)")
    # the missing table is the missing_episodes extract (its DOB not used)
    assert report(result, "missing_episodes")["file"] == "missing.csv"
    assert con.execute("select kind from src_missing_episodes").fetchall() == [("A",)]
    assert result.ignored_files == ["notes.csv"]
    assert not result.file_failures


def test_a_one_year_return_child_already_looked_after_is_not_a_start_of_care(folders):
    inbox, seeds = folders
    write(inbox, "episodes.csv", episodes(
        # looked after since before 1 April: the return lists the episode then open
        ep("Y1", "01/02/2023", "P", "N1", "01/06/2024", "X1"),
        ep("Y1", "01/06/2024", "T", "N2", "01/09/2024", "E11"),
        ep("Y1", "01/10/2024", "B", "N1"),       # after the period ended: not S
        ep("Y2", "05/05/2024", "S", "N1"),       # a start of care
        ep("Y3", "01/01/2024", "L", "N2"),       # already looked after, still open
    ))
    con, result = run(inbox, seeds)
    assert periods(con) == [
        (pid("Y1-2023-02-01"), pid("Y1"), dt.date(2023, 2, 1), dt.date(2024, 9, 1), "N1",
         False),
        (pid("Y3-2024-01-01"), pid("Y3"), dt.date(2024, 1, 1), None, "N2", False),
        (pid("Y2-2024-05-05"), pid("Y2"), dt.date(2024, 5, 5), None, "N1", True)]
    assert quarantine(con) == [("episodes.csv", 4, "no_open_period", "RNE", "B")]
    r = report(result, "looked_after")
    assert (r["rows_read"], r["rows_loaded"], r["rows_quarantined"]) == (5, 4, 1)
    assert "2 not a start of care" in r["message"]


def test_returns_of_several_years_the_newest_years_copy_wins(folders):
    inbox, seeds = folders
    # 2023-24 return: the episode still open; 2024-25: the same episode closed, and the next
    write(inbox, "2024_episodes.csv", episodes(
        ep("M1", "01/01/2024", "S", "N1", home="NS1 4"),
        ep("M2", "01/03/2024", "S", "N2", "10/03/2024", "E11"),
    ))
    write(inbox, "2025_episodes.csv", episodes(
        ep("M1", "01/01/2024", "S", "N1", "01/06/2024", "X1", home="NS1 4"),
        ep("M1", "01/06/2024", "P", "N1", "01/12/2024", "E11", home="NS2 9"),
    ))
    write(inbox, "2024_header.csv", "\n".join([HEADER, "M1,1,05/06/2012,WBRI,,,",
                                               "M2,2,07/08/2013,BAFR,,,"]) + "\n")
    write(inbox, "2025_header.csv", "\n".join([HEADER, "M1,2,05/06/2012,WIRI,,,"]) + "\n")
    # a header's year is that of the episodes sent with it (its own dates are births)
    con, result = run(inbox, seeds)
    assert con.execute("select child_id, sex, ethnicity from src_children order by sex"
                       ).fetchall() == [(pid("M1"), "F", "WIRI"), (pid("M2"), "F", "BAFR")]
    c = report(result, "children")
    assert "1 rows superseded by a newer year's copy" in c["message"]
    # rows read = the files' data rows: loaded + quarantined + superseded
    assert (c["rows_read"], c["rows_loaded"], c["rows_quarantined"], c["rows_superseded"]) == \
        (3, 2, 0, 1)
    assert periods(con) == [
        (pid("M1-2024-01-01"), pid("M1"), dt.date(2024, 1, 1), dt.date(2024, 12, 1), "N1",
         True),
        (pid("M2-2024-03-01"), pid("M2"), dt.date(2024, 3, 1), dt.date(2024, 3, 10), "N2",
         True)]
    r = report(result, "looked_after")
    assert r["file"] == "2024_episodes.csv + 2025_episodes.csv"
    assert (r["rows_read"], r["rows_loaded"], r["rows_quarantined"], r["rows_superseded"]) == \
        (4, 3, 0, 1)
    assert "1 superseded by a newer year's copy" in r["message"]
    # the printed summary has the superseded column, so the rows add up on screen too
    episodes_line = next(line for line in result.summary_lines()
                         if line.startswith("looked_after"))
    assert episodes_line.split()[2:6] == ["4", "3", "0", "1"]
    assert quarantine(con) == []


def test_a_cleaned_file_with_a_year_column_and_iso_dates(folders):
    inbox, seeds = folders
    rows = [EPISODES + ",LA,YEAR",
            "C1,2017-04-09,S,L3,N1,U4,PR1,,X1,,NS1 4,NS2 1,SC1,Northshire,2017",
            "C1,2017-04-09,S,L3,N1,U4,PR1,2018-05-01 00:00:00.000,E11,,NS1 4,NS2 1,SC1,"
            "Northshire,2018",
            "C2,2018-01-01,P,L3,N2,U4,PR1,NULL,null,,NS1 4,NS2 1,SC1,Northshire,2017"]
    write(inbox, "episodes.csv", "\n".join(rows) + "\n")
    write(inbox, "header.csv", "\n".join([
        HEADER + ",LA,YEAR", "C1,1,2012-06-05,WBRI,NULL,,,Northshire,2017",
        "C1,1,2012-06-05 00:00:00.000,WIRI,NULL,,,Northshire,2018"]) + "\n")
    con, result = run(inbox, seeds)
    assert periods(con) == [
        (pid("C1-2017-04-09"), pid("C1"), dt.date(2017, 4, 9), dt.date(2018, 5, 1), "N1", True),
        (pid("C2-2018-01-01"), pid("C2"), dt.date(2018, 1, 1), None, "N2", False)]
    assert con.execute("select ethnicity, date_of_birth from src_children").fetchall() == [
        ("WIRI", dt.date(2012, 6, 5))]
    r = report(result, "looked_after")
    assert (r["rows_read"], r["rows_loaded"], r["rows_quarantined"]) == (3, 2, 0)
    assert (r["iso_dates"], r["null_cells"]) == (4, 2)
    assert r["extra_columns"] == ("LS, PLACE, PLACE_PROVIDER, REASON_PLACE_CHANGE, PL_POST, "
                                  "URN, LA")
    c = report(result, "children")
    assert "1 rows superseded by a newer year's copy" in c["message"]
    assert (c["iso_dates"], c["null_cells"]) == (2, 2)


def test_a_period_the_contract_rejects_quarantines_every_episode_of_it(folders):
    inbox, seeds = folders
    write(inbox, "eps.csv", episodes(
        ep("K1", "01/04/2024", "S", "N9", "01/05/2024", "X1"),   # N9: no such category
        ep("K1", "01/05/2024", "P", "N1", "01/06/2024", "X1"),
        ep("K1", "01/06/2024", "P", "N1"),
        ep("K2", "01/04/2024", "S", "N1"),
    ))
    con, result = run(inbox, seeds)
    assert [p[1] for p in periods(con)] == [pid("K2")]
    assert quarantine(con) == [
        ("eps.csv", 2, "unknown_code", "category_of_need", "N9"),
        ("eps.csv", 3, "period_not_formed", None, "unknown_code at line 2"),
        ("eps.csv", 4, "period_not_formed", None, "unknown_code at line 2")]
    r = report(result, "looked_after")
    assert (r["rows_read"], r["rows_loaded"], r["rows_quarantined"]) == (4, 1, 3)


def test_when_no_period_forms_the_report_says_why(folders):
    inbox, seeds = folders
    write(inbox, "eps.csv", episodes(
        ep("B1", "2024/04/01", "S", "N1"), ep("B2", "31/02/2024", "S", "N1")))
    con, result = run(inbox, seeds)
    assert periods(con) == []
    why = "no period of care formed: 2 episodes quarantined, 2 for bad_date"
    assert why in report(result, "looked_after")["message"]
    assert result.explanations == [why]


def test_an_unchanged_return_is_reported_alike_on_the_next_run(folders, tmp_path):
    inbox, seeds = folders
    write(inbox, "eps.csv", episodes(
        ep("U1", "01/04/2024", "S", "N9", "01/05/2024", "X1"),
        ep("U1", "01/05/2024", "P", "N1"),
        ep("U2", "01/04/2024", "P", "N1")))
    first = INGEST.first_run(inbox, seeds, tmp_path)
    con, result = INGEST.second_run(inbox, seeds, tmp_path, first)
    r = report(result, "looked_after")
    assert r["status"] == "unchanged"
    assert (r["rows_read"], r["rows_loaded"], r["rows_quarantined"]) == (3, 1, 2)
    assert "1 not a start of care" in r["message"]
