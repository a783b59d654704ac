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
    return con.execute("select period_id, child_id, start_date, end_date, category_of_need "
                       "from src_looked_after order by start_date").fetchall()


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
                             dt.date(2025, 2, 28), "N1")]
    r = report(result, "looked_after")
    assert (r["file"], r["source_format"], r["rows_loaded"], r["rows_quarantined"]) == \
        ("903_episodes_2025.csv", "ssda903", 1, 0)


def test_a_re_entry_to_care_is_a_second_period_and_an_open_one_has_no_end(folders):
    inbox, seeds = folders
    write(inbox, "eps.csv", episodes(
        ep("L2", "01/04/2024", "S", "N1", "01/06/2024", "E13"),
        ep("L2", "01/10/2024", "S", "N4"),
    ))
    con, _ = run(inbox, seeds)
    assert periods(con) == [
        (pid("L2-2024-04-01"), pid("L2"), dt.date(2024, 4, 1), dt.date(2024, 6, 1), "N1"),
        (pid("L2-2024-10-01"), pid("L2"), dt.date(2024, 10, 1), None, "N4")]


def test_a_gap_between_episodes_quarantines_the_period_not_guessed(folders):
    inbox, seeds = folders
    write(inbox, "eps.csv", episodes(
        ep("L3", "01/04/2024", "S", "N1", "10/05/2024", "X1"),
        ep("L3", "20/05/2024", "P", "N1", "01/09/2024", "E11"),   # ten days missing
        ep("L4", "01/04/2024", "S", "N2", "10/05/2024", "E11"),
    ))
    con, result = run(inbox, seeds)
    assert [p[1] for p in periods(con)] == [pid("L4")]
    assert quarantine(con) == [("eps.csv", 3, "episode_gap", "DECOM", "20/05/2024")]
    r = report(result, "looked_after")
    assert (r["rows_read"], r["rows_loaded"], r["rows_quarantined"]) == (2, 1, 1)


def test_dec_before_decom_and_an_episode_with_no_open_period(folders):
    inbox, seeds = folders
    write(inbox, "eps.csv", episodes(
        ep("L5", "01/04/2024", "S", "N1", "01/03/2024", "E11"),   # DEC before DECOM
        ep("L6", "01/04/2024", "P", "N1", "01/05/2024", "E11"),   # no S before it
        ep("L7", "01/04/2024", "S", "N1", "01/05/2024", "X1"),
        ep("L7", "03/05/2024", "S", "N1"),                        # X1, then a gap and an S
        ep("L8", "01/04/2024", "S", "N1"),
        ep("L8", "01/05/2024", "P", "N1"),                        # the first never ended
    ))
    con, _ = run(inbox, seeds)
    assert periods(con) == []
    assert quarantine(con) == [
        ("eps.csv", 2, "end_before_start", "DEC", "01/03/2024"),
        ("eps.csv", 3, "no_open_period", "RNE", "P"),
        ("eps.csv", 5, "episode_gap", "DECOM", "03/05/2024"),
        ("eps.csv", 7, "episode_overlap", "DECOM", "01/05/2024"),
    ]


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


def test_a_csv_that_is_neither_an_extract_nor_ssda903_is_ignored(folders):
    inbox, seeds = folders
    write(inbox, "notes.csv", "a,b\n1,2\n")
    _con, result = run(inbox, seeds)
    assert "notes.csv" in result.ignored_files
    assert report(result, "looked_after")["status"] == "missing"
