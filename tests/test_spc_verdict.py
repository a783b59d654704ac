"""The SPC verdict in words (metrics.verdict) and each quarter's own figure
(metrics.quarterly): hand-built cases for the rules of what is shown.

- fewer than 15 visible points: no verdict, no icon, the reason said; 15-19: "trial
  limits" in the sentence; 20 or more: not;
- the sentence names the rule that fired and the baseline it is judged against, and both
  sides when the signal and the direction of travel seem to disagree;
- a restricted viewer with months hidden is judged on quarters, or told "too few children
  each month to judge safely here" — never "no signal";
- a quarter is published only where it cannot narrow a hidden month (the running-sums graph).
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from metrics import verdict as v
from metrics.quarterly import _protect_count, build_quarterly_tables, quarters_sql
from metrics.spc import xmr_with_baselines


def _chart(values, start="2023-01-31", kinds=None, improvement="decrease", hidden=None,
           labels=None):
    ends = pd.date_range(start, periods=len(values), freq="ME")
    kinds = kinds or [None] * len(values)
    shown = [None if hidden and hidden[i] else x for i, x in enumerate(values)]
    result = xmr_with_baselines(shown, kinds, improvement)
    frame = result.points[["value", "mean", "lpl", "upl", "point_label", "point_type"]].copy()
    frame.insert(0, "period_end", ends)
    frame["baseline_kind"] = kinds
    frame["baseline_label"] = labels or [k and "Ashmere strategy launch" for k in kinds]
    frame["hidden"] = hidden or [False] * len(values)
    return frame


STEADY = [10, 12, 11, 13, 9, 11, 12, 10, 11, 13, 12, 10]


@pytest.mark.parametrize(("n", "shown", "trial"), [(14, False, False), (15, True, True),
                                                   (19, True, True), (20, True, False)])
def test_thresholds_of_what_is_shown(n, shown, trial):
    values = (STEADY * 2)[:n]
    result = v.verdict(_chart(values), None, "decrease")
    assert (result.icon is not None) is shown
    assert result.trial is trial
    assert ("trial limits" in result.sentence) is trial
    if not shown:
        assert result.sentence == f"No verdict: only {n} months so far (15 are needed to judge)."
        assert result.kind == "No verdict"
    else:
        assert result.kind == "Common cause"
        assert result.sentence.startswith("Common cause in ")
    assert "no signal" not in result.sentence.lower()


def test_a_shift_after_the_launch_names_the_rule_and_the_baseline():
    values = STEADY + [14, 15, 14, 16, 15, 14, 15, 14]  # 8 months above after the launch
    kinds = [None] * 12 + ["fix"] + [None] * 7
    result = v.verdict(_chart(values, kinds=kinds), None, "decrease")
    assert result.icon == "concern_high"
    assert result.kind == "Special cause of concern (higher)"  # handed over, not parsed back
    assert result.sentence.startswith("Special cause of concern (higher) in August 2024, on "
                                      "each month's own figure: ")
    assert ("8 months in a row above the average of the 12 months before the Ashmere "
            "strategy launch (January 2024)") in result.sentence
    assert "trial" not in result.sentence


def test_one_point_outside_the_limits():
    values = STEADY * 2 + [30]
    result = v.verdict(_chart(values), None, "decrease")
    assert result.icon == "concern_high"
    assert result.sentence == (
        "Special cause of concern (higher) in January 2025, on each month's own figure: one "
        "month above the upper limit worked out on the 25 months shown.")


def test_common_cause_is_said_against_its_baseline_and_never_when_too_few():
    result = v.verdict(_chart(STEADY * 2), None, "decrease")
    assert result.icon == "common_cause"
    assert result.sentence == (
        "Common cause in December 2024, on each month's own figure: within the limits worked "
        "out on the 24 months shown, and in no run or trend (the usual variation).")


def test_the_signal_and_the_direction_of_travel_in_one_sentence():
    values = STEADY + [14, 15, 14, 16, 15, 14, 15, 14]
    kinds = [None] * 12 + ["fix"] + [None] * 7
    chart = _chart(values, kinds=kinds)
    # the headline (rolling) figure: higher a year ago, falling since March 2024
    ends = pd.date_range("2023-01-31", periods=20, freq="ME")
    rolling = [20, 20, 20, 20, 20, 20, 20, 20, 21, 22, 23, 24, 25, 26, 27, 24, 23, 22, 21, 19]
    headline = pd.DataFrame({"period_end": ends, "value": rolling, "hidden": False})
    result = v.verdict(chart, None, "decrease", headline=headline)
    assert result.sentence.count(".") == 1 and result.sentence.endswith(".")
    assert "; higher than before the launch, but falling since March 2024" in result.sentence


def test_a_restricted_viewer_with_hidden_months_is_judged_on_quarters():
    hidden = [i % 5 == 0 for i in range(24)]
    monthly = _chart(STEADY * 2, hidden=hidden)
    quarters = _chart(STEADY + STEADY[:4])  # 16 quarters, as a chart of quarter ends
    quarters["period_end"] = pd.date_range("2021-03-31", periods=16, freq="QE")
    result = v.judge(monthly, quarters, None, "decrease", restricted=True)
    assert result.step == "quarter" and result.icon == "common_cause"
    assert "on each quarter's own figure" in result.sentence
    assert "trial limits, only 16 quarters" in result.sentence
    # the analyst sees every month: judged on months
    analyst = v.judge(monthly.assign(hidden=False), quarters, None, "decrease",
                      restricted=False)
    assert analyst.step == "month"


def test_too_few_quarters_say_so_and_give_no_icon():
    monthly = _chart(STEADY * 2, hidden=[True] + [False] * 23)
    quarters = _chart(STEADY[:8], hidden=[False, True] * 4)
    result = v.judge(monthly, quarters, None, "decrease", restricted=True)
    assert result.icon is None
    assert result.sentence == ("No verdict: too few children each month to judge safely here "
                               "(4 quarters can be shown; 15 are needed).")
    assert result.kind == "No verdict"
    assert result.step == "quarter"  # the series looked at: the pack charts the quarters too


# --- which quarters can be shown -----------------------------------------------------


def _months(hidden: list[bool], start="2024-01-31") -> pd.DataFrame:
    return pd.DataFrame({"period_end": pd.date_range(start, periods=len(hidden), freq="ME"),
                         "hidden": hidden})


def _quarters(n: int, hidden=None, start="2024-03-31") -> pd.DataFrame:
    return pd.DataFrame({"period_end": pd.date_range(start, periods=n, freq="QE"),
                         "hidden": hidden or [False] * n})


def test_a_quarter_with_one_hidden_month_and_two_shown_is_hidden():
    assert _protect_count(_months([False, True, False]), None, _quarters(1)) == {0}


@pytest.mark.parametrize("hidden", [[True, True, True], [True, True, False],
                                    [False, False, False]])
def test_a_quarter_that_reveals_no_single_month_is_shown(hidden):
    assert _protect_count(_months(hidden), None, _quarters(1)) == set()


def test_rolling_totals_and_quarters_together():
    # every month hidden; the rolling 12-month totals shown; four quarters of 2024 would
    # give the fourth quarter (small, hidden) as the rolling total minus the other three
    months = _months([True] * 24, start="2023-01-31")
    rolling = pd.DataFrame({"period_end": pd.date_range("2023-12-31", periods=13, freq="ME"),
                            "hidden": False})
    quarters = _quarters(4, hidden=[False, False, False, True])
    hidden = _protect_count(months, rolling, quarters)
    assert len(hidden) == 1  # one of the three others goes too


def test_a_month_the_shown_months_give_away_already_hides_no_quarter():
    # the first three months are not on the chart (hidden), the next twelve are shown, with
    # every rolling 12-month total: January is February of next year's month less the
    # totals' difference -- given away already, so no quarter is hidden for it
    months = _months([True] * 3 + [False] * 13, start="2024-01-31")
    rolling = pd.DataFrame({"period_end": pd.date_range("2024-12-31", periods=4, freq="ME"),
                            "hidden": False})
    assert _protect_count(months, rolling, _quarters(5)) == set()
    # a month no shown figure gives away is still protected: April hidden on the chart too,
    # and no 12-month total to March 2025 -- the April to June quarter would give it, and
    # so would January to March (with the total to December 2024 and the shown months)
    months.loc[3, "hidden"] = True
    assert _protect_count(months, rolling.iloc[:3], _quarters(5)) == {0, 1}


def _database(months: list[tuple[str, int, int | None]], unit="percent", series="in_month"):
    con = duckdb.connect()
    con.execute("create table run_parameters as select 5 as suppression_threshold")
    con.execute("create table indicator_catalogue as select 'x' as indicator_id, "
                f"'{unit}' as unit, 'lower' as polarity, 'monthly' as frequency")
    frame = pd.DataFrame(months, columns=["period_end", "numerator", "denominator"])
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    con.register("m", frame)
    con.execute(f"""create table indicator_monthly as select 'x' as indicator_id,
        period_end::date as period_end, 'All' as council, '{series}' as series,
        numerator::bigint as numerator, denominator::double as denominator,
        null::double as value,
        (numerator between 1 and 5 or denominator between 1 and 5) as suppressed from m""")
    con.execute("""create table indicator_values as select indicator_id, period_end,
        'All' as council, 'All' as locality, 'All' as agency, numerator * 12 as numerator,
        denominator * 12 as denominator, 0.0 as value, false as suppressed
        from indicator_monthly""")
    con.execute("create table spc as select indicator_id, period_end, series, suppressed "
                "from indicator_monthly")
    return con


def test_quarters_sum_their_months_and_are_suppressed_like_any_cell():
    rows = [("2024-01-31", 3, 40), ("2024-02-29", 4, 42), ("2024-03-31", 2, 38),
            ("2024-04-30", 1, 10), ("2024-05-31", 0, 2), ("2024-06-30", 2, 3),
            ("2024-07-31", 9, 50)]  # a quarter of one month is not a quarter
    con = _database(rows)
    q = con.sql(quarters_sql()).df()
    assert q["period_end"].astype(str).tolist() == ["2024-03-31", "2024-06-30"]
    assert q["numerator"].tolist() == [9, 3] and q["denominator"].tolist() == [120, 15]
    assert q["value"].iloc[0] == pytest.approx(7.5)
    assert q["suppressed"].tolist() == [False, True]
    build_quarterly_tables(con)
    published = con.execute("select suppressed from indicator_quarterly order by period_end"
                            ).fetchall()
    assert published == [(False,), (True,)]  # Q1: every month hidden, so no month given away
    chart = con.execute("select count(*) from spc_quarterly").fetchall()[0][0]
    assert chart == 2


def test_a_snapshot_count_quarter_is_its_months_average():
    con = _database([("2024-01-31", 30, None), ("2024-02-29", 33, None),
                     ("2024-03-31", 36, None)], unit="count", series="snapshot")
    q = con.sql(quarters_sql()).df()
    assert q["numerator"].tolist() == [99] and q["value"].tolist() == [33.0]
    assert q["denominator"].isna().all()


def test_a_flow_with_a_hidden_month_hides_all_its_months_from_a_restricted_viewer():
    rows = [("2024-01-31", 30, 40), ("2024-02-29", 3, 42), ("2024-03-31", 20, 38),
            ("2024-04-30", 31, 40), ("2024-05-31", 32, 42), ("2024-06-30", 33, 38)]
    con = _database(rows)
    build_quarterly_tables(con)
    assert con.execute("select bool_and(suppressed) from spc").fetchall() == [(True,)]
    # so both quarters show: no month is published beside them
    assert con.execute("select count(*) from indicator_quarterly where not suppressed"
                       ).fetchall() == [(2,)]
    snapshot = _database(rows, unit="count", series="snapshot")
    build_quarterly_tables(snapshot)
    assert snapshot.execute("select count(*) from spc where suppressed").fetchall() == [(1,)]
    # the first quarter minus its two shown month ends would give February: hidden
    assert snapshot.execute("select suppressed from indicator_quarterly order by period_end"
                            ).fetchall() == [(True,), (False,)]


def test_the_differencing_attack_finds_a_month_a_quarter_gives_away_and_not_once_protected():
    from tests.support import disclosure_attacks as attacks

    ends = pd.date_range("2024-01-31", periods=3, freq="ME").date
    truth = [20.0, 3.0, 25.0]
    monthly = pd.DataFrame({"indicator_id": "x", "role": "n", "period_end": ends,
                            "truth": truth, "seen": [True, False, True]})
    cells = pd.DataFrame({"indicator_id": "x", "role": "n", "period_end": [ends[-1]],
                          "locality": "All", "agency": "All", "truth": [600.0],
                          "seen": [True]})
    quarter = pd.DataFrame({"indicator_id": "x", "role": "n", "period_end": [ends[-1]],
                            "truth": [48.0], "seen": [True]})
    assert attacks.across_time(cells, monthly, 5) == set()
    found = attacks.across_time(cells, monthly, 5, quarter)
    assert found == {("x", "n", ends[1], "month", "All")}
    hide = _protect_count(_months([False, True, False]), None, _quarters(1))
    assert attacks.across_time(cells, monthly, 5, quarter.assign(seen=[0 not in hide])) == set()


def _quarterly_chart(values, launch: str):
    """The chart spc_quarterly publishes (spc._chart_rows on quarters) with a strategy
    launched in ``launch``'s month."""
    from metrics.spc import Baseline, _chart_rows

    ends = pd.date_range("2020-03-31", periods=len(values), freq="QE")
    series = pd.DataFrame({"period_end": ends, "period_start": ends - pd.offsets.MonthBegin(3),
                           "value": values, "polarity": "lower", "target": None,
                           "series": "quarter", "suppressed": [v is None for v in values]})
    fix = Baseline("fix", pd.Timestamp(launch) + pd.offsets.MonthEnd(0),
                   "Ashmere strategy launch", None)
    rows = _chart_rows("x", series, [fix], None, fix_needs=8)
    return rows.assign(hidden=rows["suppressed"])


@pytest.mark.parametrize(("launch", "before", "to"), [("2024-04-01", 17, "March 2024"),
                                                      ("2024-05-15", 18, "June 2024")])
def test_quarters_judged_against_a_launch_name_the_quarters_before_it(launch, before, to):
    values = [float(x) for x in (STEADY * 2)[:20]]
    chart = _quarterly_chart(values, launch)
    # the fix sits on the first quarter that starts in or after the launch's month
    assert chart["baseline_kind"].tolist().index("fix") == before
    result = v.verdict(chart, None, "decrease", "quarter", v.EACH_QUARTER)
    assert result.kind == "Common cause"
    assert (f"within the limits worked out on the {before} quarters to {to}, before the "
            "Ashmere strategy launch") in result.sentence


def test_a_launch_with_fewer_than_eight_visible_quarters_before_it_is_not_fixed_on():
    values = [None] * 10 + [float(x) for x in STEADY[:7] + STEADY[:8]]  # 7 shown before
    chart = _quarterly_chart(values, "2024-04-01")
    assert chart["baseline_kind"].isna().all()
    result = v.verdict(chart, None, "decrease", "quarter", v.EACH_QUARTER)
    assert "worked out on the 15 quarters shown" in result.sentence
    assert "trial limits, only 15 quarters" in result.sentence


def _rolling_case(n_off: int, d_off: int):
    """Two years of a flow (a percentage) with one small quarter (January to March 2023: 1
    a month), every month hidden on the chart, and the partnership's rolling 12-month
    figures: the sum of their months less ``n_off`` (numerator) and ``d_off`` (denominator)
    -- 0: a count of events; more: children counted once however many months they are in."""
    ends = pd.date_range("2023-01-31", periods=24, freq="ME")
    rows = [(str(e.date()), 1 if i < 3 else 10, 100) for i, e in enumerate(ends)]
    con = _database(rows)
    con.execute("delete from indicator_values")
    con.execute(f"""insert into indicator_values
        select 'x', a.period_end, 'All', 'All', 'All', sum(b.numerator) - {n_off},
               sum(b.denominator) - {d_off}, 0.0, false
        from indicator_monthly as a join indicator_monthly as b
            on b.period_end > a.period_end - interval 12 month
            and b.period_end <= a.period_end
        group by a.period_end having count(*) = 12""")
    build_quarterly_tables(con)
    return dict(con.execute("select strftime(period_end, '%Y-%m'), suppressed "
                            "from indicator_quarterly").fetchall())


def test_a_rolling_figure_that_is_no_sum_of_its_months_gives_no_quarter_away():
    from metrics.quarterly import rolling_sums

    # events: the 12-month totals' differences give each quarter less the same quarter a
    # year before, so January to March 2024 would give 2023's (3) away: hidden too (and
    # others, where the first 12-month total less three derived quarters would give it)
    events = _rolling_case(0, 0)
    assert events["2023-03"] and events["2024-03"]
    assert not events["2024-12"] and sum(events.values()) >= 3
    # children counted once in the 12 months: no difference of two windows is a quarter's,
    # so only the small quarter itself is hidden
    children = _rolling_case(2, 7)
    assert [q for q, hidden in children.items() if hidden] == ["2023-03"]
    # only the numerator counted once: the denominators' differences still give 2023's
    # first quarter (hidden with its numerator) away, so 2024's stays hidden
    assert _rolling_case(2, 0)["2024-03"]
    con = _database([(str(e.date()), 10 + i, 100)
                     for i, e in enumerate(pd.date_range("2023-01-31", periods=14, freq="ME"))])
    # (_database's "rolling" figure is 12 x the month: a sum of 12 months only when they
    # are all equal, as the denominators are)
    assert rolling_sums(con) == {("x", "n"): False, ("x", "d"): True}
