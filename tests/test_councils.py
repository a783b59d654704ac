"""Partnerships of several councils (spec/inputs.md; outputs.md, indicator_values.council).

Hand-built cases for the rules that decide whose a file is and how ids are made (ingest
only), then one two-council partnership from ``lscp generate --councils 2`` run end to end:
both councils' census files of one year in force, the same child id in both counted as two
children, council rows that add up to the partnership, ``Unknown (<council>)``, suppression
flags on council cells, the published ``councils`` table and the export's council column.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest

from lscp_core.errors import RunFailed, UserError
from lscp_core.settings import Settings, load_settings
from pipelines.ingest import councils as council_rules
from tests.support.census import child, episode, message, write
from tests.support.ingesting import Ingesting, report
from tests.support.samples import HEADERS, write_csv, write_seeds

KEY = b"councils-test-key-not-secret-0123456789"
INGEST = Ingesting(KEY)
pid, run = INGEST.pid, INGEST.run
TWO = ["873", "874"]


def seeds_of_two(folder: Path, councils: str = "la_code,name\n873,Cambridgeshire\n"
                 "874,Peterborough\n", localities: str | None = None) -> Path:
    write_seeds(folder)
    (folder / "councils.csv").write_text(councils, encoding="utf-8")
    (folder / "localities.csv").write_text(
        localities or "locality_code,locality_name,la_code\nN,North,873\nS,South,874\n",
        encoding="utf-8")
    return folder


def census(folder: Path, name: str, lea: str | None, *ids: str) -> Path:
    text = message("".join(child(i, episode("2023-05-10")) for i in ids),
                   lea=lea or "", year="2024", reference_date="2024-03-31")
    if lea is None:
        text = text.replace("<LEA></LEA>", "")
    return write(folder, name, text)


# --- settings ---------------------------------------------------------------------------------

def test_la_code_is_one_code_or_a_list(tmp_path):
    one = tmp_path / "one.toml"
    one.write_text('[pipeline]\nla_code = "873"\n')
    s = load_settings(one)
    assert (s.la_code, s.la_codes) == ("873", ("873",))  # one code reads as before
    number = tmp_path / "number.toml"
    number.write_text("[pipeline]\nla_code = 873\n")
    assert load_settings(number).la_code == "873"
    two = tmp_path / "two.toml"
    two.write_text('[pipeline]\nla_code = ["873", " 874 "]\n')
    s = load_settings(two)
    assert (s.la_code, s.la_codes) == (None, ("873", "874"))
    assert Settings().la_codes == ()
    bad = tmp_path / "bad.toml"
    bad.write_text('[pipeline]\nla_code = ["873", true]\n')
    with pytest.raises(UserError, match="la_code must be a council code or a list"):
        load_settings(bad)


# --- whose file is it -------------------------------------------------------------------------

PARTNERSHIP = council_rules.Councils(("873", "874"), {"873": "Cambridgeshire",
                                                      "874": "Peterborough"})


def test_a_council_code_in_the_file_name():
    assert PARTNERSHIP.in_name("episodes_874_2024.csv") == "874"
    assert PARTNERSHIP.in_name("children_873_2026-11.csv") == "873"
    assert PARTNERSHIP.in_name("ssda903 header 873.csv") == "873"
    assert PARTNERSHIP.in_name("episodes_8740_2024.csv") is None  # whole words only
    assert PARTNERSHIP.in_name("873_episodes.csv") is None  # <anything>_<la_code>_...
    assert PARTNERSHIP.in_name("children_2026-11.csv") is None


def test_an_la_column_by_code_or_by_name(tmp_path):
    by_code = tmp_path / "episodes.csv"
    by_code.write_text("CHILD,DECOM,LA\nA,01/04/2023,874\nB,02/04/2023, 874 \n")
    assert council_rules.of_file(by_code, PARTNERSHIP) == ("874", None)
    by_name = tmp_path / "header.csv"
    by_name.write_text("CHILD,SEX,DOB,LA\nA,1,01/01/2015,peterborough\nB,2,01/01/2016,NULL\n")
    assert council_rules.of_file(by_name, PARTNERSHIP) == ("874", None)
    # the LA column wins over a code in the name
    both = tmp_path / "episodes_873_2024.csv"
    both.write_text("CHILD,DECOM,la\nA,01/04/2023,874\n")
    assert council_rules.of_file(both, PARTNERSHIP) == ("874", None)


def test_a_file_whose_council_cannot_be_told_says_how_to_name_it(tmp_path):
    nothing = tmp_path / "episodes.csv"
    nothing.write_text("CHILD,DECOM\nA,01/04/2023\n")
    council, why = council_rules.of_file(nothing, PARTNERSHIP)
    assert council is None
    assert why == ("episodes.csv: whose file is it? In a partnership of several councils "
                   "(873, 874) put the council's code in the file name "
                   "(e.g. episodes_873_2026.csv) or give it an LA column")
    mixed = tmp_path / "episodes_mixed.csv"
    mixed.write_text("CHILD,DECOM,LA\nA,01/04/2023,873\nB,01/04/2023,874\n")
    assert council_rules.of_file(mixed, PARTNERSHIP)[1] == (
        "episodes_mixed.csv: rows of several councils (LA: 873, 874): send one file per council")
    other = tmp_path / "episodes_x.csv"
    other.write_text("CHILD,DECOM,LA\nA,01/04/2023,999\n")
    assert "LA '999' is not a council of the partnership" in council_rules.of_file(
        other, PARTNERSHIP)[1]


# --- ingest: census per council, ids per council ----------------------------------------------

def test_two_councils_census_of_one_year_both_in_force_one_id_two_children(tmp_path):
    inbox = tmp_path / "inbox"
    census(inbox, "cin_census_873.xml", "873", "DfEX0000001", "DfEX0000002")
    census(inbox, "cin_census_874.xml", "874", "DfEX0000001")
    seeds = seeds_of_two(tmp_path / "seeds")
    con, result = run(inbox, seeds, la_code=TWO)
    files = report(result, "referrals")["file"]
    assert "cin_census_873.xml" in files and "cin_census_874.xml" in files
    ids = sorted(r[0] for r in con.execute("select child_id from src_children").fetchall())
    # the council code is part of the id before it is pseudonymised
    assert ids == sorted([pid("873|DfEX0000001"), pid("873|DfEX0000002"),
                          pid("874|DfEX0000001")])
    assert con.execute("select count(*) from src_referrals").fetchall()[0][0] == 3
    councils = dict(con.execute("select child_id, la_code from land_child_councils "
                                "where extract = 'children'").fetchall())
    assert councils == {pid("873|DfEX0000001"): "873", pid("873|DfEX0000002"): "873",
                        pid("874|DfEX0000001"): "874"}


def test_unchanged_files_keep_their_councils_and_a_new_partnership_reloads(tmp_path):
    inbox = tmp_path / "inbox"
    census(inbox, "cin_census_873.xml", "873", "DfEX0000001")
    census(inbox, "cin_census_874.xml", "874", "DfEX0000001")
    seeds = seeds_of_two(tmp_path / "seeds")
    first = tmp_path / "one.duckdb"
    run(inbox, seeds, con=duckdb.connect(str(first)), la_code=TWO)[0].close()
    con = duckdb.connect(str(tmp_path / "two.duckdb"))
    con.execute(f"attach '{first}' as prev (read_only)")
    con, result = run(inbox, seeds, con=con, previous="prev", run_id="run2", la_code=TWO)
    assert report(result, "referrals")["status"] == "unchanged"
    assert sorted(con.execute("select la_code from land_child_councils "
                              "where extract = 'referrals'").fetchall()) == [("873",), ("874",)]
    # the same files read as one council's: ids made another way, so every file is read again
    con3 = duckdb.connect(str(tmp_path / "three.duckdb"))
    con3.execute(f"attach '{first}' as prev (read_only)")
    con3, result = run(inbox, write_seeds(tmp_path / "one_seeds"), con=con3, previous="prev",
                       run_id="run3")
    assert report(result, "referrals")["status"] == "loaded"
    assert con3.execute("select count(*) from land_child_councils").fetchall()[0][0] == 0


def test_one_council_ids_are_exactly_as_before(tmp_path):
    inbox = tmp_path / "inbox"
    census(inbox, "cin_census.xml", "873", "DfEX0000001")
    seeds = write_seeds(tmp_path / "seeds")
    for la_code in (None, "873", ["873"]):
        con, _ = run(inbox, seeds, la_code=la_code)
        assert con.execute("select child_id from src_children").fetchall() == [
            (pid("DfEX0000001"),)]
        assert con.execute("select count(*) from land_child_councils").fetchall()[0][0] == 0


def test_newest_census_per_council_and_year(tmp_path):
    inbox = tmp_path / "inbox"
    write(inbox, "old_873.xml", message(child("OLD", episode()), lea="873"), age_seconds=600)
    census(inbox, "new_873.xml", "873", "NEW")
    write(inbox, "only_874.xml", message(child("P1", episode()), lea="874"), age_seconds=900)
    con, result = run(inbox, seeds_of_two(tmp_path / "seeds"), la_code=TWO)
    files = report(result, "referrals")["file"]
    assert "new_873.xml" in files and "only_874.xml" in files and "old_873.xml" not in files
    ids = {r[0] for r in con.execute("select child_id from src_children").fetchall()}
    assert ids == {pid("873|NEW"), pid("874|P1")}


def test_a_census_without_lea_or_of_another_council_fails_as_a_file(tmp_path):
    inbox = tmp_path / "inbox"
    census(inbox, "cin_census_873.xml", "873", "A")
    census(inbox, "cin_census_none.xml", None, "B")
    _con, result = run(inbox, seeds_of_two(tmp_path / "seeds"), la_code=TWO)
    failures = " ".join(result.file_failures)
    assert ("cin_census_none.xml: no Header/Source/LEA: in a partnership of several councils "
            "(873, 874) each census file must name its council in <LEA>") in failures
    inbox2 = tmp_path / "inbox2"
    census(inbox2, "cin_census_999.xml", "999", "A")
    _con, result = run(inbox2, seeds_of_two(tmp_path / "seeds"), la_code=TWO)
    assert "census of local authority 999, not this partnership's (873, 874" in \
        " ".join(result.file_failures)


def test_own_csv_files_by_council_code_in_the_name(tmp_path):
    inbox = tmp_path / "inbox"
    children = "C1,01/01/2015,,F,WBRI,N,NS1 4AB,"
    write_csv(inbox, "children", [children], name="873_2025-06")
    write_csv(inbox, "children", [children, "C2,01/01/2016,,M,WBRI,N,,"], name="874_2025-06")
    con, result = run(inbox, seeds_of_two(tmp_path / "seeds"), la_code=TWO)
    assert con.execute("select count(*) from src_children").fetchall()[0][0] == 3
    assert not result.file_failures
    # a file without the council's code: refused as a file, with how to name it
    write_csv(inbox, "children", [children], name="2025-07")
    _con, result = run(inbox, seeds_of_two(tmp_path / "seeds"), la_code=TWO)
    assert any("children_2025-07.csv: whose file is it? In a partnership of several councils "
               "(873, 874) put the council's code in the file name "
               "(e.g. children_873_2026-11.csv) or give it an LA column" in f
               for f in result.file_failures)
    # or an la_code column naming the council (by its name as in councils.csv)
    (inbox / "children_2025-07.csv").write_text(
        HEADERS["children"] + ",la_code\nC3,01/01/2015,,F,WBRI,N,,,Peterborough\n")
    con, result = run(inbox, seeds_of_two(tmp_path / "seeds"), la_code=TWO)
    assert not result.file_failures, result.file_failures
    ids = {r[0] for r in con.execute("select child_id from src_children").fetchall()}
    # the newest file of each council is in force: 874's is now the one with the column
    assert ids == {pid("873|C1"), pid("874|C3")}


def test_an_ssda903_file_told_by_its_la_column_or_refused(tmp_path):
    inbox = tmp_path / "inbox"
    census(inbox, "cin_census_873.xml", "873", "A")
    (inbox / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
        "PL_POST,URN\nA,01/04/2023,S,C2,N1,U1,PR1,,,,,,\n")
    seeds = seeds_of_two(tmp_path / "seeds")
    _con, result = run(inbox, seeds, la_code=TWO)
    assert any("episodes.csv: whose file is it?" in f and "or give it an LA column" in f
               for f in result.file_failures), result.file_failures
    (inbox / "episodes.csv").rename(inbox / "episodes_874_2024.csv")
    con, result = run(inbox, seeds, la_code=TWO)
    assert not result.file_failures, result.file_failures
    assert con.execute("select child_id from src_looked_after").fetchall() == [
        (pid("874|A"),)]


def test_two_councils_ssda903_returns_are_both_in_force(tmp_path):
    inbox = tmp_path / "inbox"
    census(inbox, "cin_census_873.xml", "873", "A")
    head = ("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
            "HOME_POST,PL_POST,URN")
    (inbox / "episodes_873_2024.csv").write_text(f"{head}\nA,01/04/2023,S,C2,N1,U1,PR1,,,,,,\n")
    (inbox / "episodes_b.csv").write_text(f"{head},LA\nA,02/04/2023,S,C2,N1,U1,PR1,,,,,,,874\n")
    con, result = run(inbox, seeds_of_two(tmp_path / "seeds"), la_code=TWO)
    assert not result.file_failures, result.file_failures
    assert sorted(con.execute("select child_id from src_looked_after").fetchall()) == sorted(
        [(pid("873|A"),), (pid("874|A"),)])


def test_seeds_of_several_councils_are_checked(tmp_path):
    inbox = tmp_path / "inbox"
    census(inbox, "cin_census_873.xml", "873", "A")
    with pytest.raises(RunFailed, match=r"seeds/councils.csv: no row for council 874"):
        run(inbox, seeds_of_two(tmp_path / "s1", councils="la_code,name\n873,Cambs\n"),
            la_code=TWO)
    with pytest.raises(RunFailed, match=r"seeds/localities.csv: 1 localities \(e.g. S\) "
                                        r"without the la_code"):
        run(inbox, seeds_of_two(tmp_path / "s2", localities="locality_code,locality_name,"
                                "la_code\nN,North,873\nS,South,\n"), la_code=TWO)
    with pytest.raises(RunFailed, match=r"locality 'North' is in councils 873, 874"):
        run(inbox, seeds_of_two(tmp_path / "s4", localities="locality_code,locality_name,"
                                "la_code\nN,North,873\nS,South,874\nN2,North,874\n"),
            la_code=TWO)
    with pytest.raises(RunFailed, match=r"council 875 is not in la_code"):
        run(inbox, seeds_of_two(tmp_path / "s3", councils="la_code,name\n873,A\n874,B\n"
                                "875,C\n"), la_code=TWO)


# --- a two-council partnership end to end ---------------------------------------------------

@pytest.fixture(scope="module")
def partnership(tmp_path_factory):
    from pipelines.export import export_csv
    from pipelines.run import run_pipeline
    from pipelines.synthetic import generate

    folder = tmp_path_factory.mktemp("two_councils")
    generate(folder / "gen", seed=3, children=800, years=2, progress=None, councils=2,
             end_date=dt.date(2026, 10, 31))
    config = folder / "lscp.toml"
    config.write_text('[pipeline]\nla_code = ["991", "992"]\n')
    settings = load_settings(config)
    key = folder / "key"
    key.write_text("0123456789abcdef" * 4)
    settings.key_file = key
    db = folder / "lscp.duckdb"
    run_pipeline(inbox=folder / "gen" / "inbox", db=db, seeds=folder / "gen" / "seeds",
                 as_at=None, settings=settings, progress=None)
    export_csv(db, folder / "export.csv")
    return folder


def _ids(path: Path) -> set[str]:
    return set(re.findall(r"<LAchildID>([^<]+)</LAchildID>", path.read_text()))


def test_both_councils_census_of_one_year_in_force_and_one_id_is_two_children(partnership):
    inbox = partnership / "gen" / "inbox"
    con = duckdb.connect(str(partnership / "lscp.duckdb"), read_only=True)
    files = con.execute("select file from load_report where extract = 'referrals'"
                        ).fetchall()[0][0]
    years = {re.search(r"cin_census_(\d{4}-\d\d)_(99[12])_", n).groups()
             for n in files.split(" + ")}
    assert {("2025-26", "991"), ("2025-26", "992")} <= years
    ids = {c: set().union(*(_ids(p) for p in inbox.glob(f"cin_census_*_{c}_*.xml")))
           for c in ("991", "992")}
    assert ids["991"] & ids["992"]  # the same LAchildID in both councils' census files
    work = duckdb.connect(str(partnership / "lscp.duckdb.work"), read_only=True)
    csv_rows = sum(len(list(csv.DictReader(open(inbox / f"children_{c}_2026-10.csv"))))
                   for c in ("991", "992"))
    loaded, quarantined = con.execute(  # one load-report row per council's file
        "select sum(rows_loaded), sum(rows_quarantined) from load_report "
        "where extract = 'children'").fetchall()[0]
    # every child of both councils' files loads: no id of one council is taken for the other's
    assert (loaded, quarantined) == (csv_rows, 0)
    assert work.execute("select count(*) from src_children").fetchall()[0][0] == csv_rows
    by_council = dict(work.execute("select la_code, count(distinct child_id) from "
                                   "land_child_councils where extract = 'children' "
                                   "group by 1").fetchall())
    assert set(by_council) == {"991", "992"} and sum(by_council.values()) == csv_rows


def test_council_rows_add_up_to_the_partnership(partnership):
    con = duckdb.connect(str(partnership / "lscp.duckdb"), read_only=True)
    assert con.execute("select * from councils order by la_code").fetchall() == [
        ("991", "Northshire"), ("992", "Southmoor")]
    columns = [r[0] for r in con.execute("describe indicator_values").fetchall()]
    assert columns[:3] == ["indicator_id", "period_end", "council"]
    places = con.execute("select distinct council, locality from indicator_values").fetchall()
    assert ("All", "All") in places and ("Northshire", "All") in places
    assert ("Northshire", "Unknown (Northshire)") in places
    assert ("Southmoor", "Unknown (Southmoor)") in places
    assert not [p for p in places if p[0] == "All" and p[1] != "All"]
    # children without a (matched) postcode are counted in their own council's Unknown
    unknown = dict(con.execute("""select council, sum(numerator) from indicator_values
        where locality like 'Unknown (%' and agency = 'All' group by 1""").fetchall())
    assert unknown["Northshire"] > 0 and unknown["Southmoor"] > 0, unknown
    assert ("Southmoor", "Millbrook") in places and ("Northshire", "Millbrook") not in places
    # counts: the councils sum to the partnership, a council's localities to the council
    bad = con.execute("""
        with v as (select * from indicator_values),
        councils as (select indicator_id, period_end, agency, sum(numerator) as n,
                            sum(denominator) as d
                     from v where council <> 'All' and locality = 'All' group by all),
        localities as (select indicator_id, period_end, council, agency, sum(numerator) as n,
                              sum(denominator) as d
                       from v where council <> 'All' and locality <> 'All' group by all)
        select
            (select count(*) from v join councils using (indicator_id, period_end, agency)
             where v.council = 'All' and v.locality = 'All'
                 and (v.numerator <> councils.n
                      or coalesce(v.denominator, 0) <> coalesce(councils.d, 0))),
            (select count(*) from v join localities
                 using (indicator_id, period_end, council, agency)
             where v.locality = 'All'
                 and (v.numerator <> localities.n
                      or coalesce(v.denominator, 0) <> coalesce(localities.d, 0))),
            (select count(*) from v where council = 'All' and locality = 'All'),
            (select sum(numerator) from v where council = 'Southmoor' and locality = 'All'
                 and agency = 'All')
    """).fetchall()[0]
    assert bad[0] == 0 and bad[1] == 0 and bad[2] > 0 and bad[3] > 0, bad
    # a rate's denominator of a council is its localities' children
    pop = con.execute("""select denominator from indicator_values where indicator_id = 'cp_rate'
        and council = 'Southmoor' and locality = 'All' and agency = 'All' limit 1""").fetchall()
    assert pop[0][0] > 0


def test_council_cells_are_suppressed_like_localities(partnership):
    con = duckdb.connect(str(partnership / "lscp.duckdb"), read_only=True)
    primary = con.execute("""select count(*), count(*) filter (where not suppressed)
        from indicator_values v join indicator_catalogue c using (indicator_id)
        where v.council <> 'All' and v.locality = 'All'
          and (v.numerator between 1 and 5
               or (c.unit <> 'count' and v.denominator between 1 and 5))""").fetchall()[0]
    assert primary[0] > 0 and primary[1] == 0, primary
    # no line of the hierarchy (the councils and the partnership; a council's localities and
    # the council) hides exactly one cell: it could be worked out by subtraction
    lone = con.execute("""
        with v as (select * from indicator_values where agency = 'All'),
        lines as (
            select indicator_id, period_end, 'top' as line, suppressed from v
            where locality = 'All'
            union all
            select indicator_id, period_end, council, suppressed from v where council <> 'All'
        )
        select count(*) from (select indicator_id, period_end, line from lines group by all
                              having count(*) filter (where suppressed) = 1)
    """).fetchall()[0][0]
    assert lone == 0


def test_the_export_has_the_council_column(partnership):
    with open(partnership / "export.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:5] == ["indicator_id", "period_end", "period_label", "council",
                                 "locality"]
    assert {r["council"] for r in rows} == {"All", "Northshire", "Southmoor"}
    hidden = [r for r in rows if r["council"] != "All" and r["suppressed"] == "true"]
    assert hidden and all(r["numerator"] == "c" for r in hidden)
