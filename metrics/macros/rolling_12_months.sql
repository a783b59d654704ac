-- arguments: monthly
-- rolling_12_months(monthly): the rolling-12-months figures of every month end, from a
-- table (or CTE) of per-month counts with the columns
--     month (the first of the month), locality, agency (NULL when the indicator has no
--     agency breakdown), numerator, denominator (NULL for a count indicator).
-- Each month end E sums the twelve months int_month_ends gives it (window_start .. E):
-- E's month and the eleven before it, each matched by equality, so the cost follows the
-- periods times twelve, not the periods times every month of the history (a range join).
-- Used by every rolling-window indicator as `final as (select * from rolling_12_months(by_month))`.
select
    periods.period_end,
    monthly.locality,
    monthly.agency,
    sum(monthly.numerator) as numerator,
    sum(monthly.denominator) as denominator
from int_month_ends as periods
cross join range(12) as months_back(n)
join query_table(monthly) as monthly
    on monthly.month = (periods.month_start - to_months(months_back.n))::date
group by all
