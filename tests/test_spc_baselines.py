"""Fixed limits and rebasing, as NHSRplotthedots does them (fix_after_n_points, ptd_rebase).

Expected figures come from the package's own tests, NHSRplotthedots at commit
050b07d7eacc011767532732f69b8fd7d6a28fd3 (v0.2.2):
- tests/testthat/_snaps/ptd_spc_standard.md ("it returns expected values": r1, r2, r3);
- tests/testthat/_snaps/ptd_spc.md (summary with facet_field = rep(0:1, each = 10): each
  half gets its own limits, exactly as a rebase at point 11 does in ptd_spc_standard, which
  groups by facet and rebase group alike);
- tests/testthat/test-ptd_spc_standard.R ("it only reports special cause for 2of3 points
  close to limits when they are on the same side of the mean").
Their data is R's set.seed(123); rnorm(20).
"""

from __future__ import annotations

import math

import pytest

from metrics.spc import LIMIT, xmr

RNORM_123 = [-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499,
             0.46091621, -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383,
             0.40077145, 0.11068272, -0.55584113, 1.78691314, 0.49785048, -1.96661716,
             0.70135590, -0.47279141]


def _limits(result, row=0):
    p = result.points.iloc[row]
    return p["mean"], p["lpl"], p["upl"]


def test_package_snapshot_r1_plain_series():
    mean, lpl, upl = _limits(xmr(RNORM_123, "increase"))
    assert (mean, lpl, upl) == pytest.approx((0.1416238, -3.01138, 3.294627), abs=5e-6)


def test_package_snapshot_r2_outlier_screened():
    y = list(RNORM_123)
    y[14] = 10  # data$y[15] <- 10
    mean, lpl, upl = _limits(xmr(y, "increase", screen_outliers=True))
    assert (mean, lpl, upl) == pytest.approx((0.6694159, -2.383666, 3.722497), abs=5e-6)


def test_package_snapshot_r3_outlier_not_screened():
    y = list(RNORM_123)
    y[14] = 10
    mean, lpl, upl = _limits(xmr(y, "increase", screen_outliers=False))
    assert (mean, lpl, upl) == pytest.approx((0.6694159, -4.596625, 5.935457), abs=5e-6)


def test_package_summary_each_group_has_its_own_limits():
    result = xmr(RNORM_123, "increase", rebase_at=[10])
    first, second = _limits(result, 0), _limits(result, 10)
    # summary(s3): f 0 -> 0.0746 -2.60 2.75; f 1 -> 0.209 -3.28 3.70 (printed to 3 figures)
    assert first == pytest.approx((0.0746, -2.60, 2.75), abs=6e-3)
    assert second == pytest.approx((0.209, -3.28, 3.70), abs=6e-3)
    assert result.points["point_type"].eq("common_cause").all()  # n: 10 common cause each
    # the icons read the last group
    assert (result.mean, result.lpl, result.upl) == pytest.approx(second, abs=6e-3)


def test_package_two_in_three_needs_one_side_of_the_mean():
    y = [1.0, -1.0] * 8
    y[14], y[15] = 5.5, -5.5
    result = xmr(y, "increase")
    assert result.points["point_type"].tail(2).tolist() == ["common_cause", "common_cause"]


def test_fixed_limits_come_from_the_first_n_points_only():
    result = xmr(RNORM_123, "increase", fix_after_n_points=12)
    base = RNORM_123[:12]
    mean = sum(base) / 12
    ranges = [abs(b - a) for a, b in zip(base, base[1:], strict=False)]
    amr = sum(ranges) / len(ranges)
    kept = [r for r in ranges if r < 3.267 * amr]
    amr = sum(kept) / len(kept)
    for row in (0, 11, 12, 19):  # held from the 13th point on
        assert _limits(result, row) == pytest.approx(
            (mean, mean - LIMIT * amr, mean + LIMIT * amr), rel=1e-12)
    # and differ from the limits of the whole series, as the package's own test asserts
    assert not math.isclose(_limits(result)[1], _limits(xmr(RNORM_123, "increase"))[1])


def test_a_change_after_launch_that_only_fixed_limits_detect():
    # a steady baseline, then a launch after which every other month jumps to 16
    baseline = [9.5, 10.5] * 6
    after = [10.0, 16.0] * 3
    series = baseline + after
    fixed = xmr(series, "decrease", fix_after_n_points=12)
    moving = xmr(series, "decrease")
    after_fixed = fixed.points["point_type"].iloc[12:]
    after_moving = moving.points["point_type"].iloc[12:]
    assert (after_fixed == "special_cause_concern").sum() == 3  # the 16s: above the UCL
    assert set(fixed.points["point_label"].iloc[12:][after_fixed != "common_cause"]) == {
        "Above UCL"}
    # recalculated over all 18 points the limits widen and the jumps read as noise
    jumps = [i for i, v in enumerate(after) if v == 16.0]
    assert set(after_moving.iloc[jumps]) == {"common_cause"}
    assert moving.upl > 16 > fixed.upl


def test_rebase_rules_do_not_run_across_the_rebase():
    # six points above the mean, a rebase, then one more: no shift of 7 across the join
    series = [1.0, 0.0] * 6 + [5.0] * 6 + [5.0, 5.2, 4.8, 5.0, 5.1, 4.9, 5.0]
    rebased = xmr(series, "increase", rebase_at=[18])
    labels = rebased.points["point_label"].iloc[18:]
    assert not labels.str.contains("7 Points").any()
    assert rebased.points["mean"].iloc[18] == pytest.approx(5.0)


# --- the published table: seeds/spc_baselines.csv and the strategies' launch dates -------

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

from metrics.spc import build_spc_table  # noqa: E402


def _db(values, baselines=(), launches=()):
    con = duckdb.connect()
    con.execute("create table indicator_catalogue as select 'rereferral' as indicator_id, "
                "'lower' as polarity, 'monthly' as frequency")
    ends = [d.date() for d in pd.date_range("2022-01-31", periods=len(values), freq="ME")]
    con.execute("create table indicator_monthly (indicator_id varchar, period_end date, "
                "series varchar, numerator bigint, denominator double, value double, "
                "suppressed boolean)")
    con.executemany("insert into indicator_monthly values ('rereferral', ?, 'in_month', "
                    "null, null, ?, false)", list(zip(ends, values, strict=True)))
    con.execute("create table seed_spc_baselines (indicator_id varchar, kind varchar, "
                "month date, label varchar, reason varchar)")
    if baselines:
        con.executemany("insert into seed_spc_baselines values (?, ?, ?, ?, ?)",
                        list(baselines))
    con.execute("create table seed_strategies (strategy varchar, success_measure varchar, "
                "indicator_id varchar, launch_date date)")
    if launches:
        con.executemany("insert into seed_strategies values (?, 'm', ?, ?)", list(launches))
    return con


def test_the_launch_fixes_the_limits_on_the_months_before_it():
    values = [9.5, 10.5] * 20 + [10.0, 16.0] * 3  # 46 months, launch at month 41
    con = _db(values, launches=[("Northshire", "rereferral", "2025-05-20"),
                                ("Other", "rereferral", "2025-09-01")])
    build_spc_table(con, months=36)
    spc = con.sql("select * from spc order by period_end").df()
    assert len(spc) == 36  # 12 months before the launch are within the last 36 anyway
    launch = spc.index[spc["period_end"] == pd.Timestamp("2025-05-31")][0]
    assert spc.loc[launch, "baseline_kind"] == "fix"
    assert spc.loc[launch, "baseline_label"] == "Northshire strategy launch"  # the earliest
    assert "before the Northshire" in spc.loc[launch, "baseline_reason"]
    assert spc["baseline_label"].notna().sum() == 1
    before = values[:40][-launch:]
    assert spc["mean"].iloc[0] == pytest.approx(sum(before) / len(before))
    assert (spc["point_label"].iloc[launch:] == "Above UCL").sum() == 3


def test_a_fix_before_the_charted_months_reaches_back_for_its_baseline():
    values = [10.0, 11.0] * 30  # 60 months from January 2022
    con = _db(values, baselines=[("rereferral", "fix", "2023-01-15", "Launch", "why")])
    build_spc_table(con, months=24)
    spc = con.sql("select * from spc order by period_end").df()
    assert spc["period_end"].iloc[0] == pd.Timestamp("2022-01-31")  # 12 months before
    assert spc["baseline_label"].iloc[12] == "Launch"


def test_a_rebase_starts_new_limits_and_a_star_row_applies_to_every_indicator():
    values = [10.0, 11.0] * 12 + [20.0, 21.0] * 12
    con = _db(values, baselines=[("*", "rebase", "2024-01-01", "New front door", "MASH")])
    build_spc_table(con, months=48)
    spc = con.sql("select * from spc order by period_end").df()
    at = spc.index[spc["baseline_label"] == "New front door"][0]
    assert spc["period_end"].iloc[at] == pd.Timestamp("2024-01-31")
    assert spc["mean"].iloc[at - 1] == pytest.approx(10.5)
    assert spc["mean"].iloc[at] == pytest.approx(20.5)
    assert set(spc["point_type"]) == {"common_cause"}  # no shift across the rebase
