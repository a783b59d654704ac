"""Signals mean something (issue: honest signals).

On a steady partnership (``generate --steady``: no trends, no seasons, every month from the
same rates) every special cause is a false alarm: on the in-month (flow) series fewer than
10% of the charted points may be flagged, and no chart may have half its points flagged.
Month-end snapshots are autocorrelated (a child on a plan in March is on it in April), so
their runs are reported beside, not held to that bar. With a step injected (referrals ending
in no further action 5 percentage points more often from June 2025) the chart must flag it
within 6 months. 50,000 children, as the issue asks; one seed, so the figures are fixed.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from lscp_core.settings import Settings
from pipelines.run import run_pipeline
from pipelines.synthetic import generate

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("spc_signals")]
END = dt.date(2026, 10, 31)
STEP = dt.date(2025, 6, 1)


def _published(tmp_path_factory, _key, name: str, **options) -> duckdb.DuckDBPyConnection:
    folder = tmp_path_factory.mktemp(name)
    generate(folder, seed=3, children=50_000, years=5, end_date=END, progress=None, **options)
    db = folder / "lscp.duckdb"
    run_pipeline(folder / "inbox", db, folder / "seeds", None,
                 Settings(disclosure_audit=False))  # figures and signals: not the audit's business
    return duckdb.connect(str(db), read_only=True)


@pytest.fixture(scope="module")
def key():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LSCP_KEY", "7370632d7369676e616c732d746573742d6b6579")
        yield


@pytest.fixture(scope="module")
def steady(tmp_path_factory, key):
    con = _published(tmp_path_factory, key, "steady", steady=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def stepped(tmp_path_factory, key):
    con = _published(tmp_path_factory, key, "stepped", steady=True, nfa_step=(STEP, 5.0))
    yield con
    con.close()


def _shares(con) -> dict[str, tuple[str, float, int]]:
    rows = con.execute(
        "select indicator_id, any_value(series), count(*) filter (where point_type like "
        "'special%') / count(*), count(*) from spc group by 1 order by 1").fetchall()
    return {r[0]: (r[1], float(r[2]), int(r[3])) for r in rows}


def test_a_steady_partnership_raises_few_false_alarms(steady):
    shares = _shares(steady)
    flows = {k: v for k, v in shares.items() if v[0] == "in_month"}
    for ident, (series, share, n) in sorted(shares.items(), key=lambda kv: -kv[1][1]):
        print(f"{ident:<32} {series:<9} {share:6.1%} of {n} points")
    assert len(flows) >= 20
    flagged = sum(share * n for _s, share, n in flows.values())
    charted = sum(n for _s, _share, n in flows.values())
    print(f"in-month series: {flagged / charted:.1%} of {charted} points special cause")
    assert flagged / charted < 0.10
    assert max(share for _s, share, _n in flows.values()) < 0.5


def test_a_step_change_is_flagged_within_six_months(stepped):
    rows = stepped.execute(
        "select period_end, point_type from spc where indicator_id = 'referral_nfa' "
        "and period_end >= ? order by 1", [STEP]).fetchall()
    flagged = [d for d, kind in rows if kind == "special_cause_concern"]  # lower is better
    assert flagged, "the step was never flagged"
    first = flagged[0]
    months = (first.year - STEP.year) * 12 + first.month - STEP.month
    print(f"NFA +5 points from {STEP:%B %Y}: first flagged {first:%B %Y} ({months} months on)")
    assert months <= 6
    before = stepped.execute(
        "select count(*) from spc where indicator_id = 'referral_nfa' and period_end < ? "
        "and point_type = 'special_cause_concern'", [STEP]).fetchall()[0][0]
    assert before == 0
