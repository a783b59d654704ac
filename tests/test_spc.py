"""Making Data Count XmR rules (metrics/spc.py), checked against NHSRplotthedots.

Golden numbers come from NHSRplotthedots' "Deviations" vignette and its own test
suite (tests/testthat); the hand-built series below were worked out by hand, with
the limits noted beside each, so every rule is exercised on its edge.
"""

from __future__ import annotations

import math
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest

from metrics.spc import (
    SPC_TABLE_COLUMNS,
    _labels,
    _shift,
    _trend,
    _two_in_three,
    assurance_icon,
    build_spc_table,
    point_type,
    variation_icon,
    xmr,
)

# The "Deviations" vignette: 18 daily points with one spike.
DEVIATIONS = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]

# set.seed(123); rnorm(20): the series of NHSRplotthedots' test-ptd_spc.R snapshots.
RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774,
    1.71506499, 0.46091621, -1.26506123, -0.68685285, -0.44566197,
    1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113,
    1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip

TREND_UP = "7 Point Trend (Increasing)"
TREND_DOWN = "7 Point Trend (Decreasing)"
COMMON = "Common Cause"


def labels(result) -> list:
    return result.points["point_label"].tolist()


# --- limits -------------------------------------------------------------------


def test_deviations_vignette_with_screening():
    r = xmr(DEVIATIONS)
    assert round(r.upl, 2) == 4.6
    assert round(r.mean, 2) == 1.94
    assert round(r.lpl, 2) == -0.72
    # the 9 between 10 and 1 and the 8 before it are screened out: mR̄ = 1
    assert r.upl - r.mean == pytest.approx(2.66)
    assert labels(r)[4] == "Above UCL"
    assert labels(r).count(COMMON) == 17


def test_deviations_vignette_without_screening_matches_the_excel_tool():
    r = xmr(DEVIATIONS, screen_outliers=False)
    assert round(r.upl, 2) == 6.95
    assert round(r.mean, 2) == 1.94
    assert round(r.lpl, 2) == -3.06
    assert labels(r)[4] == "Above UCL"


def test_screening_narrows_the_limits():
    screened, unscreened = xmr(DEVIATIONS), xmr(DEVIATIONS, screen_outliers=False)
    assert unscreened.upl - unscreened.lpl > screened.upl - screened.lpl


@pytest.mark.parametrize(
    ("values", "mean", "lpl", "upl"),
    [
        (RNORM_123, 0.142, -3.01, 3.29),  # _snaps/ptd_spc.md, no facet
        (RNORM_123[:10], 0.0746, -2.60, 2.75),  # facet 0
        (RNORM_123[10:], 0.209, -3.28, 3.70),  # facet 1
    ],
)
def test_nhsrplotthedots_summary_snapshots(values, mean, lpl, upl):
    r = xmr(values, improvement="increase")
    assert r.mean == pytest.approx(mean, abs=0.0005)
    assert r.lpl == pytest.approx(lpl, abs=0.005)
    assert r.upl == pytest.approx(upl, abs=0.005)
    assert set(r.points["point_type"]) == {"common_cause"}


def test_a_moving_range_of_exactly_3267_times_the_mean_is_screened_out():
    # NHSRplotthedots keeps a moving range only when mr < 3.267 * mR̄
    jump = 7.5406809001731085  # ranges 1, 1, 1, 1, jump: jump == 3.267 * their mean, in floats
    assert jump == 3.267 * np.mean([1, 1, 1, 1, jump])
    r = xmr([0, 1, 0, 1, 0, jump])
    assert r.upl - r.mean == pytest.approx(2.66)  # mR̄ of the four ranges of 1
    # just under the threshold, a range stays: 7 < 3.267 * 2.2
    kept = xmr([0, 1, 0, 1, 0, 7])
    assert kept.upl - kept.mean == pytest.approx(2.66 * 2.2)


def test_two_sigma_band_is_two_thirds_of_the_limits():
    r = xmr(DEVIATIONS).points.iloc[0]
    assert r["upper_2s"] - r["mean"] == pytest.approx((r["upl"] - r["mean"]) * 2 / 3)
    assert r["mean"] - r["lower_2s"] == pytest.approx((r["mean"] - r["lpl"]) * 2 / 3)


# --- trends ---------------------------------------------------------------------

# mean 11.206, mR̄ 1.375: limits 7.55 .. 14.86, 2σ band 8.77 .. 13.64 (nothing close)
TREND_OF_7 = [10, 12, 10, 12, 10, 12, 10, 10.5, 11, 11.5, 12, 12.5, 13, 12, 10, 12, 10]


def test_seven_rising_points_are_a_trend_and_all_seven_are_flagged():
    r = xmr(TREND_OF_7, improvement="increase")
    expected = [COMMON] * 6 + [TREND_UP] * 7 + [COMMON] * 4
    assert labels(r) == expected
    assert r.points["point_type"].tolist()[6:13] == ["special_cause_improvement"] * 7


def test_six_rising_points_are_not_a_trend():
    six = TREND_OF_7[:12] + TREND_OF_7[13:]  # drop the 13: 10 .. 12.5 is 6 points
    assert labels(xmr(six)) == [COMMON] * len(six)


def test_a_tie_breaks_a_trend():
    tied = TREND_OF_7[:9] + [11] + TREND_OF_7[9:]  # 10, 10.5, 11, 11, 11.5, ...
    assert TREND_UP not in labels(xmr(tied))


def test_falling_trend_with_decrease_is_improvement():
    falling = [24 - v for v in TREND_OF_7]
    r = xmr(falling, improvement="decrease")
    assert labels(r)[6:13] == [TREND_DOWN] * 7
    assert set(r.points["point_type"][6:13]) == {"special_cause_improvement"}
    assert set(xmr(falling, improvement="increase").points["point_type"][6:13]) == {
        "special_cause_concern"
    }


def test_the_peak_between_a_rise_and_a_fall_joins_the_fall():
    # as NHSRplotthedots: a point whose next point is also in a trend takes the step to its right.
    # mean 3.84, mR̄ 3.28: limits -4.88 .. 12.56, 2σ -1.97 .. 9.65
    values = [0, 8, 0, 8, 0, 8, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    r = xmr(values, improvement="neutral")
    assert labels(r) == [COMMON] * 6 + [TREND_UP] * 6 + [TREND_DOWN] * 7
    assert r.points["point_type"].tolist()[6:12] == ["special_cause_neutral_high"] * 6
    assert r.points["point_type"].tolist()[12:] == ["special_cause_neutral_low"] * 7


# --- shifts ---------------------------------------------------------------------

# mean exactly 10, mR̄ 1.867: limits 5.03 .. 14.97, 2σ 6.69 .. 13.31 (nothing close)
SHIFT_OF_7 = [12, 8, 12, 8, 11, 11, 11, 11, 11, 11, 11, 8, 12, 8, 7, 8]


def test_seven_points_above_the_mean_are_a_shift():
    r = xmr(SHIFT_OF_7, improvement="increase")
    assert r.mean == 10
    assert labels(r) == [COMMON] * 4 + ["7 Points Above CL"] * 7 + [COMMON] * 5
    assert set(r.points["point_type"][4:11]) == {"special_cause_improvement"}


def test_a_point_on_the_mean_breaks_a_shift():
    on_mean = [12, 8, 12, 8, 11, 11, 11, 10, 11, 11, 11, 8, 12, 8, 8, 8]  # mean still 10
    r = xmr(on_mean)
    assert r.mean == 10
    assert r.points["relative_to_mean"][7] == 0
    assert labels(r) == [COMMON] * len(on_mean)


def test_a_point_on_the_mean_is_found_despite_float_rounding():
    # 0.1 + 0.2 + 0.3 + ... rounds; 0.2 must still sit on the mean of 0.1, 0.2, 0.3
    r = xmr([0.1, 0.2, 0.3] * 4)  # summed in floats the mean is 0.19999999999999998
    assert set(r.points["relative_to_mean"][1::3]) == {0}


def test_shift_below_the_mean_with_decrease_is_improvement():
    below = [20 - v for v in SHIFT_OF_7]
    r = xmr(below, improvement="decrease")
    assert labels(r)[4:11] == ["7 Points Below CL"] * 7
    assert set(r.points["point_type"][4:11]) == {"special_cause_improvement"}


# --- two in three ---------------------------------------------------------------

BASE = [10, 12] * 6


def test_two_of_three_close_to_the_limit_on_one_side():
    # mean 11.667, mR̄ 2.824: UPL 19.18, 2σ upper 16.67; 17 is close, 12 is above the mean
    r = xmr(BASE + [17, 12, 17] + [10, 12, 10], improvement="decrease")
    assert (
        labels(r) == [COMMON] * 12 + ["2 in 3 Above CL", COMMON, "2 in 3 Above CL"] + [COMMON] * 3
    )
    assert r.points["point_type"][12] == "special_cause_concern"


def test_a_point_outside_the_limits_is_not_close_to_them():
    # mean 12.167, mR̄ 2.333 after screening: UPL 18.37, 2σ upper 16.30; 25 is outside
    # (the base series all sits below this mean, a shift we do not look at here)
    r = xmr(BASE + [17, 13, 25] + [10, 12, 10])
    assert r.points["close_to_limits"][12]
    assert r.points["outside_limits"][14]
    assert labels(r)[12:15] == [COMMON, COMMON, "Above UCL"]


def test_two_close_points_on_opposite_sides_are_not_a_signal():
    # NHSRplotthedots test-ptd_spc_standard.R (issue #143)
    values = [1, -1] * 8
    values[14], values[15] = 5.5, -5.5
    r = xmr(values, improvement="increase")
    assert r.points["point_type"].tolist()[-2:] == ["common_cause", "common_cause"]


@pytest.mark.parametrize(
    ("close", "side", "expected"),
    [  # NHSRplotthedots test-ptd_calculate_point_type.R, ptd_part_of_two_in_three
        ([1, 0, 1], [1, 1, 1], [1, 0, 1]),
        ([0, 1, 1], [1, 1, 1], [0, 1, 1]),
        ([1, 1, 0], [1, 1, 1], [1, 1, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
        ([0, 0, 1, 1, 0, 0, 0], [1] * 7, [0, 0, 1, 1, 0, 0, 0]),
        ([1, 0, 0, 1], [1] * 4, [0, 0, 0, 0]),
        ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
        ([1, 0, 1], [1, -1, 1], [0, 0, 0]),
        ([0, 1, 1], [1, -1, 1], [0, 0, 0]),
        ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], [0] * 7),
        ([1, 1], [1, 1], [0, 0]),
    ],
)
def test_two_in_three_windows(close, side, expected):
    got = _two_in_three(np.array(close, dtype=bool), np.array(side, dtype=float))
    assert got.astype(int).tolist() == expected


@pytest.mark.parametrize(
    ("y", "expected_part"),
    [  # NHSRplotthedots ptd_seven_point_trend + ptd_part_of_seven_trend
        (list(range(1, 7)), [0] * 6),
        ([1, 2, 3, 3, 4, 5, 6], [0] * 7),
        (list(range(1, 8)), [1] * 7),
        ([2, *range(1, 8), 3], [0] + [1] * 7 + [0]),
        (list(range(7, 0, -1)), [1] * 7),
        ([2, *range(7, 0, -1), 3], [0] + [1] * 7 + [0]),
    ],
)
def test_trend_windows(y, expected_part):
    part, _ = _trend(np.array(y, dtype=float))
    assert part.astype(int).tolist() == expected_part


@pytest.mark.parametrize(
    ("side", "expected_part"),
    [  # NHSRplotthedots ptd_seven_point_one_side_mean + ptd_part_of_seven_trend
        ([1] * 6, [0] * 6),
        ([1] * 6 + [-1], [0] * 7),
        ([1] * 8 + [-1], [1] * 8 + [0]),
        ([-1] * 8 + [1], [1] * 8 + [0]),
        ([1] * 3 + [0] + [1] * 3, [0] * 7),
    ],
)
def test_shift_windows(side, expected_part):
    assert _shift(np.array(side, dtype=float)).astype(int).tolist() == expected_part


# --- precedence -----------------------------------------------------------------


def test_label_precedence_outside_trend_two_in_three_shift():
    # NHSRplotthedots' ptd_special_cause_type test, with the rule flags given directly
    side = np.array([1, 1, 1, 1, -1, -1, -1, -1], dtype=float)
    outside = np.array([0, 0, 0, 0, 0, 1, 1, 0], dtype=bool)
    trend = np.array([1, 1, 0, 0, 0, 0, 0, 0], dtype=bool)
    direction = np.ones(8)
    shift = np.array([0, 0, 1, 1, 0, 0, 0, 0], dtype=bool)
    two_in_three = np.array([0, 0, 0, 0, 1, 0, 0, 0], dtype=bool)
    got = _labels(side, outside, trend, direction, two_in_three, shift).tolist()
    assert got == [
        TREND_UP,
        TREND_UP,
        "7 Points Above CL",
        "7 Points Above CL",
        "2 in 3 Below CL",
        "Below LCL",
        "Below LCL",
        COMMON,
    ]


def test_outside_beats_trend():
    # the 7th point of the trend is 20: mean 11.618, mR̄ 1.464 after screening, UPL 15.51
    values = TREND_OF_7[:12] + [20] + TREND_OF_7[13:]
    assert labels(xmr(values))[6:13] == [TREND_UP] * 6 + ["Above UCL"]


def test_trend_beats_shift():
    # 12.1 .. 12.7 rise and sit above the mean 12.068; with the 14 before them 8 points
    # are above the mean, so that 14 is labelled for the shift and the rest for the trend
    values = [10, 14] * 5 + [12.1, 12.2, 12.3, 12.4, 12.5, 12.6, 12.7] + [10, 14, 10, 14, 10]
    r = xmr(values)
    assert labels(r) == [COMMON] * 9 + ["7 Points Above CL"] + [TREND_UP] * 7 + [COMMON] * 5


def test_two_in_three_beats_shift():
    # 7+ points above the mean, two of them close to the UPL
    values = [10, 12] * 6 + [12, 17, 12, 17, 12, 12, 12] + [10, 12] * 3
    # mean 11.68, mR̄ 2.25: UPL 17.67, 2σ upper 15.67; points 11..18 are all above the mean
    r = xmr(values)
    shift, two = "7 Points Above CL", "2 in 3 Above CL"
    assert labels(r)[11:19] == [shift, shift, two, shift, two, shift, shift, shift]


# --- point types and icons ------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "improvement", "expected"),
    [
        ("Above UCL", "increase", "special_cause_improvement"),
        ("Above UCL", "decrease", "special_cause_concern"),
        ("Above UCL", "neutral", "special_cause_neutral_high"),
        ("Below LCL", "increase", "special_cause_concern"),
        ("Below LCL", "decrease", "special_cause_improvement"),
        ("Below LCL", "neutral", "special_cause_neutral_low"),
        (TREND_UP, "decrease", "special_cause_concern"),
        (TREND_DOWN, "neutral", "special_cause_neutral_low"),
        ("2 in 3 Above CL", "increase", "special_cause_improvement"),
        ("7 Points Below CL", "increase", "special_cause_concern"),
        (COMMON, "increase", "common_cause"),
        (COMMON, "neutral", "common_cause"),
    ],
)
def test_point_type_from_label_and_direction(label, improvement, expected):
    assert point_type(label, improvement) == expected


@pytest.mark.parametrize(
    ("last", "improvement", "icon"),
    [
        ("Above UCL", "increase", "improvement_high"),
        ("Above UCL", "decrease", "concern_high"),
        ("Above UCL", "neutral", "neutral_high"),
        ("Below LCL", "increase", "concern_low"),
        ("Below LCL", "decrease", "improvement_low"),
        ("Below LCL", "neutral", "neutral_low"),
    ],
)
def test_variation_icon_follows_the_last_point(last, improvement, icon):
    # the vignette's spike moved to the end (limits unchanged: 1.94 ± 2.66)
    spike_last = [1, 2] * 8 + [1, 10]
    values = spike_last if last == "Above UCL" else [-v for v in spike_last]
    r = xmr(values, improvement=improvement)
    assert labels(r)[-1] == last
    assert r.variation == icon


def test_variation_ignores_earlier_signals():
    r = xmr(DEVIATIONS, improvement="increase")  # spike at point 5, last point common
    assert r.variation == "common_cause"


@pytest.mark.parametrize(
    ("point", "improvement", "icon"),
    [
        ("common_cause", "increase", "common_cause"),
        ("special_cause_improvement", "increase", "improvement_high"),
        ("special_cause_improvement", "decrease", "improvement_low"),
        ("special_cause_concern", "increase", "concern_low"),
        ("special_cause_concern", "decrease", "concern_high"),
        ("special_cause_neutral_high", "neutral", "neutral_high"),
        ("special_cause_neutral_low", "neutral", "neutral_low"),
    ],
)
def test_variation_icon_names(point, improvement, icon):
    assert variation_icon(point, improvement) == icon


@pytest.mark.parametrize(
    ("improvement", "expected"),
    [  # NHSRplotthedots test-ptd_calculate_assurance_type.R: target 4
        ("increase", ["consistent_fail", "consistent_pass", "inconsistent"]),
        ("decrease", ["consistent_pass", "consistent_fail", "inconsistent"]),
        ("neutral", [None, None, None]),
    ],
)
def test_assurance_against_the_last_limits(improvement, expected):
    limits = [(1, 3), (5, 7), (1, 5)]
    assert [assurance_icon(4, lo, hi, improvement) for lo, hi in limits] == expected


def test_assurance_needs_a_target():
    assert assurance_icon(None, 1, 3, "increase") is None
    assert xmr(DEVIATIONS, improvement="increase").assurance is None
    assert xmr(DEVIATIONS, improvement="increase", target=float("nan")).assurance is None


@pytest.mark.parametrize(
    ("target", "improvement", "expected"),
    [
        (10, "increase", "consistent_fail"),  # above UPL 4.6: never reached
        (-5, "increase", "consistent_pass"),  # below LPL -0.72: always met
        (2, "increase", "inconsistent"),
        (10, "decrease", "consistent_pass"),
        (-5, "decrease", "consistent_fail"),
        (2, "neutral", None),
    ],
)
def test_assurance_end_to_end(target, improvement, expected):
    assert xmr(DEVIATIONS, improvement=improvement, target=target).assurance == expected


def test_unknown_improvement_direction_is_refused():
    with pytest.raises(ValueError, match="improvement"):
        xmr(DEVIATIONS, improvement="higher")


# --- awkward series ---------------------------------------------------------------


def test_constant_series_has_no_signal_and_no_assurance():
    r = xmr([100.0] * 15, improvement="increase", target=95)
    assert r.mean == r.lpl == r.upl == 100
    assert labels(r) == [COMMON] * 15
    assert r.variation == "common_cause"
    assert r.assurance is None
    assert "same" in r.note


def test_zero_moving_range_after_screening_has_no_signal():
    r = xmr([5.0] * 10 + [9.0] + [5.0] * 6, improvement="increase", target=6)
    assert r.lpl == r.upl == r.mean
    assert labels(r) == [COMMON] * 17
    assert r.assurance is None
    assert "screened" in r.note
    # without screening the spike is a signal again
    assert labels(xmr([5.0] * 10 + [9.0] + [5.0] * 6, screen_outliers=False))[10] == "Above UCL"


@pytest.mark.parametrize(("n", "trial"), [(2, True), (12, True), (13, False), (18, False)])
def test_fewer_than_13_points_give_trial_limits(n, trial):
    r = xmr((DEVIATIONS * 2)[:n])
    assert r.trial_limits is trial
    assert ("Trial limits" in (r.note or "")) is trial
    assert not math.isnan(r.upl)


def test_a_single_value_has_no_limits():
    r = xmr([None, 7.0, None])
    assert r.trial_limits
    assert r.lpl is None and r.upl is None and r.variation is None
    assert r.points["lpl"].isna().all()
    assert r.points["point_label"].isna().all()
    assert r.points["mean"][1] == 7.0
    assert "at least 2" in r.note


def test_no_values_at_all():
    r = xmr([])
    assert r.points.empty
    assert r.variation is None and r.assurance is None


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, np.nan])
def test_nulls_are_skipped(missing):
    with_gaps = [missing, *DEVIATIONS[:5], missing, missing, *DEVIATIONS[5:], missing]
    r, clean = xmr(with_gaps), xmr(DEVIATIONS)
    assert (r.mean, r.lpl, r.upl) == (clean.mean, clean.lpl, clean.upl)
    present = r.points[r.points["value"].notna()].reset_index(drop=True)
    pd.testing.assert_frame_equal(present, clean.points)
    gaps = r.points[r.points["value"].isna()]
    assert len(gaps) == 4
    assert gaps["point_label"].isna().all()
    assert (gaps["upl"] == clean.upl).all()  # limits still drawn through the gap


def test_nulls_do_not_count_towards_the_trial_threshold():
    assert xmr([1, None, 2] * 6).trial_limits is True  # 12 values in 18 rows


# --- the published table ------------------------------------------------------------


def _month_ends(n: int) -> list[date]:
    return [d.date() for d in pd.date_range("2024-01-31", periods=n, freq="ME")]


@pytest.fixture
def con():
    c = duckdb.connect()
    c.execute(
        "create table indicator_catalogue (indicator_id varchar, title varchar, unit varchar,"
        " polarity varchar, breakdown varchar, frequency varchar, definition varchar)"
    )
    c.execute(
        "create table indicator_monthly (indicator_id varchar, period_end date, series varchar,"
        " numerator bigint, denominator double, value double, suppressed boolean)"
    )
    c.execute("create table seed_targets (indicator_id varchar, target double, tolerance double)")
    yield c
    c.close()


def _add(con, indicator_id, polarity, frequency, values, locality="All", agency="All"):
    con.execute(
        "insert into indicator_catalogue select ?, ?, '%', ?, 'locality', ?, ''"
        " where not exists (select 1 from indicator_catalogue where indicator_id = ?)",
        [indicator_id, indicator_id, polarity, frequency, indicator_id],
    )
    rows = pd.DataFrame(
        {"indicator_id": indicator_id, "period_end": _month_ends(len(values)),
         "locality": locality, "agency": agency, "value": pd.array(values, dtype="Float64")}
    )  # fmt: skip
    con.register("new_rows", rows)
    # the SPC series is the partnership's (All, All) monthly series only
    con.execute(
        "insert into indicator_monthly select indicator_id, period_end, 'in_month', null,"
        " null, value, false from new_rows where locality = 'All' and agency = 'All'"
    )
    con.unregister("new_rows")


def test_spc_table_for_monthly_all_series(con):
    _add(con, "rereferral", "lower", "monthly", DEVIATIONS)
    _add(con, "rereferral", "lower", "monthly", [50.0] * 18, locality="North")  # not All
    _add(con, "eh_assessments", "higher", "monthly", [1, 2] * 8 + [1, 10])
    _add(con, "cp_rate", "context", "monthly", [None, *TREND_OF_7])
    _add(con, "two_year_takeup", "higher", "termly", [70.0, 72.0, 75.0])  # termly: left out
    con.execute("insert into seed_targets values ('rereferral', 3, 1), ('eh_assessments', 20, 2)")

    build_spc_table(con)

    cols = con.execute("describe spc").fetchall()
    assert [(c[0], c[1]) for c in cols] == SPC_TABLE_COLUMNS
    spc = con.sql("select * from spc order by indicator_id, period_end").df()
    assert set(spc["indicator_id"]) == {"rereferral", "eh_assessments", "cp_rate"}

    rr = spc[spc["indicator_id"] == "rereferral"]
    assert len(rr) == 18  # the North rows are not charted
    assert rr["upl"].round(2).unique().tolist() == [4.6]
    assert rr["lpl"].round(2).unique().tolist() == [-0.72]
    assert rr["point_label"].iloc[4] == "Above UCL"
    assert rr["point_type"].iloc[4] == "special_cause_concern"  # lower is better
    assert set(rr["improvement"]) == {"decrease"}
    assert set(rr["variation"]) == {"common_cause"}
    assert set(rr["assurance"]) == {"inconsistent"}  # target 3 inside -0.72 .. 4.6
    assert not rr["trial_limits"].any()

    eh = spc[spc["indicator_id"] == "eh_assessments"]
    assert set(eh["variation"]) == {"improvement_high"}
    assert set(eh["assurance"]) == {"consistent_fail"}  # target 20 above the UPL

    cp = spc[spc["indicator_id"] == "cp_rate"]
    assert cp["value"].isna().sum() == 1 and cp["point_label"].isna().sum() == 1
    assert cp["point_label"].tolist()[7:14] == [TREND_UP] * 7
    assert set(cp["point_type"].dropna()) == {"common_cause", "special_cause_neutral_high"}
    assert cp["assurance"].isna().all()
    assert set(cp["improvement"]) == {"neutral"}

    # the chart and the icon come from one computation: the table matches xmr()
    direct = xmr(DEVIATIONS, improvement="decrease", target=3)
    assert rr["mean"].iloc[0] == direct.mean
    assert rr["point_label"].tolist() == labels(direct)


def test_spc_charts_the_monthly_series_not_the_rolling_figures(con):
    # indicator_values holds the rolling 12-month figures; the chart must not read them
    con.execute(
        "create table indicator_values as select 'rereferral' as indicator_id,"
        " period_end, 'All' as locality, 'All' as agency, 99.0 as value"
        " from range(1) t(i), (select unnest(?::date[]) as period_end)", [_month_ends(18)]
    )
    _add(con, "rereferral", "lower", "monthly", DEVIATIONS)
    con.execute("update indicator_monthly set suppressed = (value = 10)")
    build_spc_table(con)
    spc = con.sql("select * from spc order by period_end").df()
    assert spc["value"].tolist() == DEVIATIONS
    assert set(spc["series"]) == {"in_month"}
    assert spc["suppressed"].tolist() == [v == 10 for v in DEVIATIONS]


def test_spc_table_short_and_constant_series(con):
    _add(con, "step_downs", "higher", "monthly", [4.0, 6.0, 5.0])
    _add(con, "cp_repeat", "lower", "monthly", [0.0] * 14)
    con.execute("insert into seed_targets values ('cp_repeat', 20, 2)")
    build_spc_table(con)
    spc = con.sql("select * from spc").df()
    short = spc[spc["indicator_id"] == "step_downs"]
    assert short["trial_limits"].all() and short["note"].str.contains("Trial").all()
    flat = spc[spc["indicator_id"] == "cp_repeat"]
    assert flat["assurance"].isna().all()
    assert set(flat["point_label"]) == {COMMON}
    assert flat["note"].str.contains("same").all()


def test_spc_table_is_empty_without_monthly_indicators(con):
    _add(con, "two_year_takeup", "higher", "termly", [70.0, 72.0])
    build_spc_table(con)
    assert con.execute("select count(*) from spc").fetchall() == [(0,)]
    assert [c[0] for c in con.execute("describe spc").fetchall()] == [
        name for name, _ in SPC_TABLE_COLUMNS
    ]


def test_spc_table_without_a_targets_seed(con):
    con.execute("drop table seed_targets")
    _add(con, "rereferral", "lower", "monthly", DEVIATIONS)
    build_spc_table(con)
    assert con.execute("select count(*), count(assurance) from spc").fetchall() == [(18, 0)]


def test_spc_table_charts_only_the_latest_months(con):
    # a ramp of 12 low months, then 36 steady months: the chart starts after the ramp
    _add(con, "rereferral", "lower", "monthly", [5.0] * 12 + [20.0, 21.0, 22.0] * 12)

    build_spc_table(con, months=36)

    spc = con.sql("select * from spc order by period_end").df()
    assert len(spc) == 36
    assert spc["value"].min() == 20.0  # none of the ramp
    assert spc["mean"].iloc[0] == 21.0
    assert set(spc["variation"]) == {"common_cause"}
