"""The joint LP attack (issue 25) on a generated 3,000-children partnership, as published.

The attacker solves, for each hidden cell, its smallest and largest possible value over
everything an audience sees at once — every published cell, counts non-negative, the
locality, agency and breakdown sums, numerator within denominator, counts within or equal
to others (months apart too), rolling windows against the monthly series — with HiGHS. It
reads the published database as the dashboard does (the flags as written, every table),
not the build's own state, for the viewer and each agency's champion: no hidden cell may
come out as one value, and no hidden small cell (1..T) may be bounded within 1..T.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from lscp_core.settings import Settings
from tests.support import disclosure_attacks as attacks
from tests.support import generated

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("disclosure_joint_lp")]
T = Settings().suppression_threshold


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return generated.published(
        tmp_path_factory.mktemp("joint_lp"), "6a6f696e742d6c702d61747461636b2d6b65792d3235",
        Settings(disclosure_audit=True),
        seed=25, children=3_000, years=3, end_date=dt.date(2026, 10, 31))


def test_the_audit_is_recorded_with_the_published_database(published):
    db, _ = published
    with duckdb.connect(str(db), read_only=True) as con:
        line = dict(con.execute("select key, value from meta").fetchall()
                    ).get("disclosure_audit")
    assert line is not None and line.startswith("disclosure audit: 0 cells exposed, ")
    assert line.endswith(" audiences")


def test_the_joint_lp_recovers_no_hidden_cell_for_any_audience(published):
    db, _ = published
    with duckdb.connect(str(db), read_only=True) as con:
        found = attacks.joint_lp(con, T)
    assert set(found) >= {"viewer"} and len(found) > 2  # the viewer and every champion
    recovered = {a: r["recovered"] for a, r in found.items()}
    bounded = {a: r["bounded_small"] for a, r in found.items()}
    assert recovered == dict.fromkeys(found, 0)
    assert bounded == dict.fromkeys(found, 0)
    # the attack had something to work on: hidden cells, relations between them
    assert all(r["hidden"] > 100 and r["relations"] > 1000 for r in found.values())


# the runner's wiring of the audit (on by default, its record, a cell left exposed stops the
# build) on two indicators, not all of them: re-referrals by agency (an audience for every
# agency's champion, as well as the viewer: 5 audiences, ~2,300 relations) and the CP rate.
# The whole catalogue's audit of the same partnership costs ~33 CPU-s a build; the audit's
# own tests (tests/metrics/test_disclosure_audit.py) and the joint LP above judge its work.
AUDITED = ["rereferral", "cp_rate"]


def _handmade_build(settings, monkeypatch=None, leave_exposed: bool = False):
    """build_metrics on a small hand-made partnership (tests/reference's journey), of the
    ``AUDITED`` indicators."""
    from reference import edge_cases, handmade

    from metrics import disclosure_audit
    from metrics.runner import build_metrics

    if leave_exposed:  # the audit's last word: one cell still pinned after its complements
        real = disclosure_audit.complete

        def complete(p, max_rounds=60):
            result, added = real(p, max_rounds)
            result.audiences[0].exposed.append({"family": "x", "truth": 3.0, "lo": 3.0,
                                                "hi": 3.0, "cid": 0})
            return result, added

        monkeypatch.setattr(disclosure_audit, "complete", complete)
    con = duckdb.connect(":memory:")
    handmade.load_into(con, handmade.frames(**edge_cases.journey(4)))
    return con, build_metrics(con, as_at=dt.date(2025, 6, 30), settings=settings,
                              select=AUDITED)


def test_the_audit_runs_by_default_and_its_record_says_so(monkeypatch):
    monkeypatch.delenv("LSCP_DISCLOSURE_AUDIT", raising=False)  # the product's default
    con, result = _handmade_build(Settings())
    con.close()
    record = result.disclosure_audit
    assert record is not None and record["exposed"] == 0 and record["audiences"] >= 1
    assert record["summary"].startswith("disclosure audit: 0 cells exposed, ")
    assert set(record["audience_seconds"]) >= {"viewer"}
    assert record["relations"] > 100  # it had something to judge


def test_a_cell_the_audit_leaves_exposed_stops_the_build(monkeypatch):
    from lscp_core.errors import RunFailed

    with pytest.raises(RunFailed, match=r"^disclosure audit: 1 cells exposed, .*: not published, "
                                        r"the last good database stays in force$"):
        _handmade_build(Settings(disclosure_audit=True), monkeypatch, leave_exposed=True)


def test_the_audit_can_be_turned_off():
    con, result = _handmade_build(Settings(disclosure_audit=False))
    con.close()
    assert result.disclosure_audit is None
