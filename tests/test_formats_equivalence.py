"""The same generated partnership delivered as lscp's CSV extracts, as CIN census XML +
SSDA903 (with the children CSV for postcodes and the other extracts as CSV), and as Standard
Safeguarding Dataset tables gives the same indicator_values, except the indicators that
read a column a format does not carry. With those columns blanked in the CSV too, every
figure is the same."""

from __future__ import annotations

import csv
import datetime as dt
import shutil

import duckdb
import pytest

from lscp_core.settings import Settings
from pipelines.run import run_pipeline
from pipelines.synthetic import generate

END = dt.date(2025, 9, 30)
CHILDREN = 3000
# the formats give the same figures and flags; the disclosure audit (on by default, its own
# tests in test_disclosure_joint_lp.py) would only add the same minutes to each run
NO_AUDIT = Settings(disclosure_audit=False)
# The census has no referral neglect_flag (inputs.md): a referral is neglect-related there
# only through a 16A factor or a NEG plan, so the indicators over neglect-related
# referrals (int_referrals__classified.is_neglect_related) may differ.
NEEDS_NEGLECT_FLAG = {"referrals_neglect", "rereferral_neglect", "referral_nfa_neglect",
                      "rereferral_after_assessment", "tool_before_neglect_referral",
                      "cin_to_cp_neglect"}
# The SSD also lacks cp_plans.previous_cp_plans (int_cp_plans__repeats) and early help's
# family_id, assessment_date, neglect_identified and source (stg_early_help).
NEEDS_SSD_LACKS = NEEDS_NEGLECT_FLAG | {"cp_repeat", "cp_repeat_2y", "cp_repeat_neglect",
                                       "eh_assessments", "eh_neglect_starts",
                                       "eh_neglect_outcomes_met"}
CENSUS_LACKS = {"referrals": ("neglect_flag",)}
# every format carries the child's journey (contacts, health and police stay CSV beside the
# census; the SSD's enquiries have no icpc_not_required, which only enquiries with no
# conference carry, so no figure depends on it)
JOURNEY = {"contacts_rate", "contact_to_referral", "s47_rate", "icpc_timely", "icpc_to_plan",
           "cp_reviews_timely", "was_not_brought", "da_notifications_rate", "encompass_timely",
           "cla_missing"}
SSD_LACKS = {"referrals": ("neglect_flag",), "cp_plans": ("previous_cp_plans",),
             "early_help": ("family_id", "assessment_date", "neglect_identified", "source")}


def _publish(folder, db):
    run_pipeline(folder / "inbox", db, folder / "seeds", END, NO_AUDIT, progress=None)
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select * from indicator_values order by all").fetchall()
    finally:
        con.close()


def _differing(a, b) -> set[str]:
    return {row[0] for row in set(a) ^ set(b)}


def _blank(inbox, columns: dict[str, tuple[str, ...]]) -> None:
    """The CSV extracts without the columns another format lacks."""
    for extract, blanked in columns.items():
        path = next(inbox.glob(f"{extract}_*.csv"))
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        for row in rows:
            row.update(dict.fromkeys(blanked, ""))
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("formats")
    mp = pytest.MonkeyPatch()
    mp.setenv("LSCP_KEY", "666f726d6174732d6571756976616c656e63652d6b6579")
    out = {}
    try:
        for fmt in ("csv", "census", "ssd"):
            generate(root / fmt, seed=4, children=CHILDREN, years=3, end_date=END,
                     progress=None, fmt=fmt)
            if fmt == "csv":  # the same partnership as CSV, to blank as the others lack
                for name in ("csv_as_census", "csv_as_ssd"):
                    shutil.copytree(root / fmt, root / name)
            out[fmt] = _publish(root / fmt, root / f"{fmt}.duckdb")
        for name, lacks in (("csv_as_census", CENSUS_LACKS), ("csv_as_ssd", SSD_LACKS)):
            _blank(root / name / "inbox", lacks)
            out[name] = _publish(root / name, root / f"{name}.duckdb")
    finally:
        mp.undo()
    return out


def test_census_gives_the_csv_figures_but_for_the_neglect_flag(published):
    csv_values, census = published["csv"], published["census"]
    assert len(census) > 10_000
    assert _differing(csv_values, census) <= NEEDS_NEGLECT_FLAG
    # the figures the census carries fully, checked to be there at all
    ids = {row[0] for row in census}
    assert {"rereferral", "referral_nfa", "cp_repeat", "cp_rate"} <= ids
    # the child's journey: Section47 and Reviews in the census, the 903 missing table
    assert JOURNEY <= ids


def test_census_gives_the_csv_figures_exactly_when_the_csv_lacks_the_flag_too(published):
    assert _differing(published["csv_as_census"], published["census"]) == set()


def test_ssd_gives_the_csv_figures_but_for_the_columns_it_lacks(published):
    csv_values, ssd = published["csv"], published["ssd"]
    assert len(ssd) > 10_000
    assert _differing(csv_values, ssd) <= NEEDS_SSD_LACKS
    ids = {row[0] for row in ssd}
    assert {"rereferral", "referral_nfa", "cp_rate", "eh_step_up"} <= ids
    assert JOURNEY <= ids  # ssd_contacts, ssd_s47_enquiry, ssd_cp_reviews, ssd_missing


def test_ssd_gives_the_csv_figures_exactly_when_the_csv_lacks_them_too(published):
    assert _differing(published["csv_as_ssd"], published["ssd"]) == set()
