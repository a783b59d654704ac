"""Every broken file named once: two broken files dropped together are both reported, one
line each, counted once; a parent's failure is not cascaded into its children's rows (the
checks against it are said to be not made, and why); a wrong header names what it found."""

from __future__ import annotations

import os
import time

import pytest

from pipelines.ingest.readers.tabular import FileRejected, _check_header
from pipelines.ingest.validate import validate_command
from pipelines.run.pipeline import RunResult
from tests.support.census import child, episode, message, write
from tests.support.ingesting import Ingesting, report
from tests.support.samples import HEADERS, write_csv

INGEST = Ingesting(b"broken-files-test-key-0123456789")
run = INGEST.run
WRONG_HEADER = HEADERS["referrals"].replace("referral_date", "date_of_referral")


def _old(path, seconds=100):
    t = time.time() - seconds
    os.utime(path, (t, t))


def _both_broken(inbox):
    """A referrals CSV with a wrong header, then a newer census cut off half way."""
    _old(write_csv(inbox, "referrals", ["R9,C1,2024-01-01,1A,N1,N,,,Y"],
                   header=WRONG_HEADER), 10)
    whole = message(child("C1", episode()) + child("C2", episode()))
    write(inbox, "cin_census.xml", whole[: len(whole) // 2])


def test_two_broken_files_dropped_together_are_both_named_once(folders):
    inbox, seeds = folders
    _both_broken(inbox)
    _con, result = run(inbox, seeds)
    assert len(result.file_failures) == 2, result.file_failures
    census, csv = result.file_failures
    assert census.startswith("children, referrals, assessments, cin_plans, cp_plans, "
                             "s47_enquiries, cp_reviews: "
                             "cin_census.xml: not well-formed XML")
    assert csv == ("referrals: referrals_extract.csv: missing required column: referral_date; "
                   "`date_of_referral`: did you mean `referral_date`?")
    lines = result.summary_lines()
    assert "2 files failed:" in lines
    assert sum(line.startswith("FAILED ") for line in lines) == 2
    # the load report keeps a row per extract the census delivers, and the CSV's own
    failed = [(r["extract"], r["file"]) for r in result.reports if r["status"] == "failed"]
    # the census delivers seven extracts (five, and section 47 and reviews), the CSV one
    assert ("referrals", "referrals_extract.csv") in failed and len(failed) == 8
    # the history counts files, not extracts
    assert "2 files failed, previous version kept" in RunResult(
        run_id="r", db=None, ingest=result).message


def test_validate_says_two_files_failed_and_quarantines_nothing_because_of_them(folders):
    import io

    inbox, seeds = folders
    _both_broken(inbox)
    out = io.StringIO()
    assert validate_command(inbox, seeds, out=out) == 1
    text = out.getvalue()
    assert text.count("cin_census.xml: not well-formed") == 1
    assert text.count("did you mean `referral_date`?") == 1
    assert text.rstrip().endswith("FAILED: 2 files failed")


def test_a_failed_parent_is_not_cascaded_into_its_childrens_rows(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", ["C1,01/02/2015,,F,WBRI,N,NS1 4AB,"])
    write_csv(inbox, "referrals", ["R1,C1,2024-01-01,1A,N1,N,,,Y"], header=WRONG_HEADER)
    write_csv(inbox, "assessments", ["A1,R1,C1,2024-01-05,,16A",
                                     "A2,R9,C1,2024-01-06,,16A"])
    con, result = run(inbox, seeds)
    assert report(result, "referrals", "failed")["rows_loaded"] == 0
    assessed = report(result, "assessments")
    # no assessment is an orphan of a referrals file that could not be read
    assert (assessed["rows_loaded"], assessed["rows_quarantined"]) == (2, 0)
    assert con.execute("select count(*) from quarantine where rule like '%referral%'"
                       ).fetchall() == [(0,)]
    assert assessed["warnings"].startswith(
        "not checked against referrals (its file referrals_extract.csv failed and no earlier "
        "version is in force): orphan_referral, before_referral")


def test_with_referrals_in_force_the_orphan_check_still_quarantines(folders):
    inbox, seeds = folders
    write_csv(inbox, "children", ["C1,01/02/2015,,F,WBRI,N,NS1 4AB,"])
    write_csv(inbox, "referrals", ["R1,C1,2024-01-01,1A,N1,N,,,Y"])
    write_csv(inbox, "assessments", ["A1,R1,C1,2024-01-05,,16A",
                                     "A2,R9,C1,2024-01-06,,16A"])
    con, result = run(inbox, seeds)
    assert report(result, "assessments")["rows_quarantined"] == 1
    assert con.execute("select rule from quarantine").fetchall() == [("orphan_referral",)]


class _Contract:
    column_names = ["referral_id", "child_id", "referral_date", "referral_source"]
    required_columns = ["referral_id", "child_id", "referral_date"]


@pytest.mark.parametrize(("header", "said"), [
    (["referral_id", "child_id", "date_of_referral"],
     "missing required column: referral_date; `date_of_referral`: did you mean "
     "`referral_date`?"),
    (["referral_id", "child_id", "referal_date"],
     "missing required column: referral_date; `referal_date`: did you mean `referral_date`?"),
    (["referral_id", "child_id", "colour", "size"],
     "missing required column: referral_date; the header has instead: colour, size"),
    (["referral_id", "child_id"], "missing required column: referral_date"),
    (["ref", "kid_id", "referral_source"],
     "missing required columns: referral_id, child_id, referral_date; `kid_id`: did you "
     "mean `child_id`?"),
])
def test_a_wrong_header_names_what_it_found_and_the_nearest_column(header, said):
    with pytest.raises(FileRejected) as refused:
        _check_header(header, _Contract)
    assert str(refused.value) == said
