"""[metrics] history_months: which month ends are published (outputs.md, "Which periods").

A partnership whose records go back to 2008, published as at 30 September 2025 with the
last 12 month ends, with the default 120 and with 0 (no limit). Only the published period
list is cut: every figure of a published month is the one the unlimited run gives, so the
rolling windows and look-backs that reach before the first published month still see
the older rows.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from tests.metrics.conftest import SOUTH, Partnership

AS_AT = "2025-09-30"
FIRST_OF_12 = date(2024, 10, 31)


def month_ends(first: date, last: date) -> list[date]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        out.append(date.fromordinal(nxt.toordinal() - 1))
        y, m = nxt.year, nxt.month
    return out


def partnership(history: int) -> Partnership:
    """The same records every time: referrals every month since January 2008 (some children
    referred again within a year, some neglect-related, some closed to early help), child
    protection plans (one open since 2021, repeats), a period of care since 2010, and
    school attendance and two-year-old terms from 2023 on."""
    p = Partnership(duckdb.connect())
    p.child("old").referral("old-r", "old", "2008-01-15")
    n = 0
    for year in range(2008, 2026):
        for month in range(1, 13):
            if (year, month) > (2025, 9):
                break
            n += 1
            child = f"c{n % 40}"  # 40 children: each is referred again every 40 months
            if n <= 40:
                p.child(child, SOUTH if n % 3 == 0 else None if n % 7 == 0 else "NS1 1AA")
            p.referral(f"r{n}", child, f"{year}-{month:02d}-{1 + n % 27:02d}",
                       neglect_flag=n % 2 == 0, referral_source="5A" if n % 4 else "3A",
                       closure_date=f"{year}-{month:02d}-28", closure_reason="RC9"
                       if n % 5 == 0 else None)
            if n % 9 == 0:  # a second referral of the same child four months later
                later = (year * 12 + month + 3) // 12, (year * 12 + month + 3) % 12 + 1
                if later <= (2025, 9):
                    p.referral(f"r{n}-again", child, f"{later[0]}-{later[1]:02d}-10")
    p.child("long").cp_plan("long-1", "long", "2021-05-03")  # open for years by 2024
    p.child("rep").cp_plan("rep-1", "rep", "2012-02-01", "2013-01-31")
    p.cp_plan("rep-2", "rep", "2023-11-01", "2024-06-30")  # a repeat, the first long before
    p.cp_plan("rep-3", "rep", "2024-11-05")  # again within the 24-month window of rep-2
    p.child("cla").care("cla-1", "cla", "2010-03-01")
    p.early_help("eh-1", "c5", "2024-02-01", "2025-02-01")
    for year in ("2022/23", "2023/24", "2024/25"):
        for term in ("AUT", "SPR", "SUM"):
            p.attended("c1", 100, 20, term=term, year=year)
            p.attended("c2", 100, 2, term=term, year=year)
    p.build(as_at=AS_AT, history=history)
    return p


@pytest.fixture(scope="module")
def runs():
    built = {history: partnership(history) for history in (12, 120, 0)}
    yield built
    for p in built.values():
        p.con.close()


def monthly_periods(p: Partnership) -> list[date]:
    return [r[0] for r in p.rows(
        "select distinct period_end from indicator_values join indicator_catalogue "
        "using (indicator_id) where frequency = 'monthly' order by 1")]


def test_the_last_12_month_ends_are_published(runs):
    p = runs[12]
    assert monthly_periods(p) == month_ends(FIRST_OF_12, date(2025, 9, 30))
    # every monthly indicator has all twelve: each one's look-back is covered by 2008's rows
    per_indicator = p.rows(
        "select indicator_id, count(distinct period_end), min(period_end) "
        "from indicator_values join indicator_catalogue using (indicator_id) "
        "where frequency = 'monthly' group by 1")
    assert per_indicator and all(n == 12 and first == FIRST_OF_12
                                 for _i, n, first in per_indicator)
    assert p.result.first_period == FIRST_OF_12
    assert p.rows("select min(period_end) from indicator_monthly") == [(FIRST_OF_12,)]


def test_termly_indicators_keep_the_terms_ending_within_those_months(runs):
    # the terms ending since 1 October 2024: autumn 2024 (31 Dec), spring and summer 2025
    expected = [date(2024, 12, 31), date(2025, 3, 31), date(2025, 7, 31)]
    for indicator in ("persistent_absence_eh", "persistent_absence_cin_cp", "attendance_eh"):
        assert runs[12].periods(indicator) == expected
    for p, first in ((runs[12], date(2024, 10, 1)), (runs[0], date(2000, 1, 1))):
        terms = [r[0] for r in p.rows(
            "select distinct period_end from indicator_values join indicator_catalogue "
            "using (indicator_id) where frequency = 'termly' order by 1")]
        assert terms and min(terms) >= first
    # with no limit every term of the extract that has ended is published
    assert min(r[0] for r in runs[0].rows(
        "select period_end from indicator_values where indicator_id = 'persistent_absence_cin_cp'"
    )) == date(2022, 12, 31)


def test_the_default_120_starts_ten_years_back(runs):
    # as at 30 September 2025 the first of the last 120 month ends is 31 October 2015
    assert monthly_periods(runs[120])[0] == date(2015, 10, 31)
    assert len(monthly_periods(runs[120])) == 120


def test_no_limit_publishes_every_month_the_data_covers(runs):
    # the earliest record is 15 January 2008: the first whole month is February 2008, so
    # the first rolling window ends 31 January 2009
    assert monthly_periods(runs[0]) == month_ends(date(2009, 1, 31), date(2025, 9, 30))


FIGURES = ("select indicator_id, period_end, locality, agency, numerator, denominator, value "
           "from indicator_values where period_end >= ? order by all")


@pytest.mark.parametrize("history", [12, 120])
def test_a_published_month_is_the_same_figure_as_with_no_limit(runs, history):
    """The look-back is intact: every cell of every published period equals the unlimited
    run's, the first published month included."""
    first = monthly_periods(runs[history])[0]
    cut = runs[history].rows(FIGURES, [date(1900, 1, 1)])
    whole = runs[0].rows(FIGURES, [first])
    # termly periods ending before the first month end but within its month count too
    whole = [r for r in whole if r[1] >= first.replace(day=1)]
    assert cut == whole
    breakdowns = ("select indicator_id, period_end, dimension, category, numerator, "
                  "denominator from indicator_breakdowns where period_end >= ? order by all")
    assert runs[history].rows(breakdowns, [date(1900, 1, 1)]) == [
        r for r in runs[0].rows(breakdowns, [first.replace(day=1)])]
    monthly = ("select indicator_id, period_end, series, numerator, denominator "
               "from indicator_monthly where period_end >= ? order by all")
    assert runs[history].rows(monthly, [date(1900, 1, 1)]) == runs[0].rows(monthly, [first])


def test_the_first_published_month_sees_the_rows_before_it(runs):
    """Figures of 31 October 2024 that only the older rows can give: a rolling 12 months
    reaching back to November 2023, re-referrals of children first referred before it, a
    plan open since 2021 (over two years), a repeat plan within two years of the last."""
    p = runs[12]
    referrals = p.cell("referrals_neglect", FIRST_OF_12).numerator
    in_october = p.rows("select count(*) from src_referrals where neglect_flag and "
                        "referral_date between '2024-10-01' and '2024-10-31'")[0][0]
    assert referrals > in_october >= 0
    assert referrals == runs[0].cell("referrals_neglect", FIRST_OF_12).numerator
    assert p.cell("rereferral", FIRST_OF_12).numerator > 0
    assert p.cell("cp_long", FIRST_OF_12).numerator == 1
    assert p.cell("cla_rate", FIRST_OF_12).numerator == 1
    assert p.cell("cp_repeat_2y", date(2024, 11, 30)).numerator == 1


def test_history_months_in_lscp_toml(tmp_path):
    from lscp_core.errors import UserError
    from lscp_core.settings import Settings, load_settings

    assert Settings().history_months == 120
    (tmp_path / "lscp.toml").write_text("[metrics]\nhistory_months = 0\n", encoding="utf-8")
    assert load_settings(tmp_path / "lscp.toml").history_months == 0
    (tmp_path / "lscp.toml").write_text("[metrics]\nhistory_months = 36\n", encoding="utf-8")
    assert load_settings(tmp_path / "lscp.toml").history_months == 36
    for bad in ("-1", "'ten'", "1.5"):
        (tmp_path / "lscp.toml").write_text(f"[metrics]\nhistory_months = {bad}\n",
                                            encoding="utf-8")
        with pytest.raises(UserError, match=r"\[metrics\] history_months"):
            load_settings(tmp_path / "lscp.toml")
