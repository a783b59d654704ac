-- arguments: monthly
-- rolling_12_months(monthly): the rolling-12-months figures of every month end, from a
-- table (or CTE) of per-month counts with the columns
--     month (the first of the month), locality, agency (NULL when the indicator has no
--     agency breakdown), numerator, denominator (NULL for a count indicator).
-- Each month end E sums the twelve months int_month_ends gives it (window_start .. E),
-- so the cost does not grow with the number of periods. Used by every rolling-window
-- indicator as `final as (select * from rolling_12_months(by_month))`.
select
    periods.period_end,
    monthly.locality,
    monthly.agency,
    sum(monthly.numerator) as numerator,
    sum(monthly.denominator) as denominator
from int_month_ends as periods
join query_table(monthly) as monthly
    on monthly.month between periods.window_start and periods.period_end
group by all
