"""Several agencies, one extract: ``<extract>_<AGENCY>_<anything>`` files are that agency's
part; the extract is the union of the parts in force, each part reported on its own."""

from __future__ import annotations

import datetime as dt

from tests.support.census import write
from tests.support.ingesting import Ingesting
from tests.support.samples import HEADERS

KEY = b"parts-test-key-not-secret-0123456789"
INGEST = Ingesting(KEY)
pid, run = INGEST.pid, INGEST.run


def tools(*rows: str) -> str:
    return "\n".join([HEADERS["neglect_tools"], *rows]) + "\n"


def tool(tid: str, agency: str, child: str = "C1") -> str:
    return f"{tid},{child},,GCP2,{agency},2025-01-10,3,,,,"


def parts(result):
    return sorted((r["file"], r["status"], r["rows_read"], r["rows_loaded"],
                   r["rows_quarantined"]) for r in result.reports
                  if r["extract"] == "neglect_tools")


def ids(con):
    return sorted(r[0] for r in con.execute(
        "select tool_assessment_id from src_neglect_tools").fetchall())


def test_two_agencies_parts_are_unioned_and_reported_each(folders):
    inbox, seeds = folders
    write(inbox, "neglect_tools_POL_jan.csv", tools(tool("T1", "POL"), tool("T2", "POL")))
    write(inbox, "neglect_tools_hv_2025.csv", tools(tool("T3", "HV"), tool("T1", "HV")))
    con, result = run(inbox, seeds)
    assert ids(con) == ["T1", "T2", "T3"]
    # the duplicate id across parts: the part whose file sorts first ("P" before "h") loads
    assert con.execute("select file, line, rule from quarantine where extract = "
                       "'neglect_tools'").fetchall() == [("neglect_tools_hv_2025.csv", 3,
                                                          "duplicate")]
    assert parts(result) == [("neglect_tools_POL_jan.csv", "loaded", 2, 2, 0),
                             ("neglect_tools_hv_2025.csv", "loaded", 2, 1, 1)]
    shas = {r["file"]: r["sha256"] for r in result.reports if r["extract"] == "neglect_tools"}
    assert len(set(shas.values())) == 2 and all(len(s) == 64 for s in shas.values())


def test_a_resent_part_replaces_that_agency_only_and_a_broken_part_keeps_its_previous(
        folders, tmp_path):
    inbox, seeds = folders
    write(inbox, "neglect_tools_POL_jan.csv", tools(tool("P1", "POL")), age_seconds=300)
    write(inbox, "neglect_tools_HV_jan.csv", tools(tool("H1", "HV")), age_seconds=300)
    db1 = INGEST.first_run(inbox, seeds, tmp_path)
    # POL resends (its January file is now older: not in force); HV's new file is broken
    write(inbox, "neglect_tools_POL_feb.csv", tools(tool("P1", "POL"), tool("P2", "POL")),
          age_seconds=100)
    write(inbox, "neglect_tools_HV_feb.csv", "tool_assessment_id,child_id\nH2,C1\n")
    con2, result = INGEST.second_run(inbox, seeds, tmp_path, db1)
    assert ids(con2) == ["H1", "P1", "P2"]
    assert parts(result) == [
        ("neglect_tools_HV_feb.csv", "failed", 0, 0, 0),
        ("neglect_tools_HV_jan.csv", "unchanged", 1, 1, 0),
        ("neglect_tools_POL_feb.csv", "loaded", 2, 2, 0)]
    failed = next(r for r in result.reports if r["status"] == "failed")
    assert failed["message"].startswith("missing required columns")
    assert any("neglect_tools_HV_feb.csv" in f for f in result.file_failures)


def test_parts_unchanged_on_a_second_run_are_reported_each(folders, tmp_path):
    inbox, seeds = folders
    write(inbox, "neglect_tools_POL_a.csv", tools(tool("P1", "POL")))
    write(inbox, "neglect_tools_SCH_a.csv", tools(tool("S1", "SCH"), tool("S2", "SCH")))
    db1 = INGEST.first_run(inbox, seeds, tmp_path)
    con2, result = INGEST.second_run(inbox, seeds, tmp_path, db1)
    assert parts(result) == [("neglect_tools_POL_a.csv", "unchanged", 1, 1, 0),
                             ("neglect_tools_SCH_a.csv", "unchanged", 2, 2, 0)]


def test_a_name_whose_second_word_is_not_an_agency_is_an_ordinary_delivery(folders):
    inbox, seeds = folders
    write(inbox, "neglect_tools_march.csv", tools(tool("X1", "POL")), age_seconds=100)
    write(inbox, "neglect_tools_april.csv", tools(tool("X2", "POL")))
    con, result = run(inbox, seeds)
    assert ids(con) == ["X2"]
    assert parts(result) == [("neglect_tools_april.csv", "loaded", 1, 1, 0)]


def test_retention_keeps_every_part_in_force_and_purges_the_resent_ones(folders):
    import os
    import time

    from pipelines.ingest.sources import SEPARATOR
    from pipelines.run import retention

    assert retention.DELIVERY_SEPARATOR == SEPARATOR
    inbox, seeds = folders
    old = time.time() - 900 * 86400  # older than the 13 months kept
    for name, rows in (("neglect_tools_POL_jan.csv", tools(tool("P1", "POL"))),
                       ("neglect_tools_POL_feb.csv", tools(tool("P2", "POL"))),
                       ("neglect_tools_HV_jan.csv", tools(tool("H1", "HV")))):
        path = write(inbox, name, rows)
        os.utime(path, (old, old + (name.endswith("feb.csv"))))
    con, _ = run(inbox, seeds)
    purged = retention.purge_inbox(inbox, retention.in_force_files(con), 13,
                                   dt.date.today())
    assert [p.name for p in purged] == ["neglect_tools_POL_jan.csv"]
    assert sorted(p.name for p in inbox.iterdir()) == ["neglect_tools_HV_jan.csv",
                                                        "neglect_tools_POL_feb.csv"]
