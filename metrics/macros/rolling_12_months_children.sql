-- arguments: monthly
-- rolling_12_months_children(monthly): as rolling_12_months, for an indicator that counts
-- children (each once in a window), not records. From a table (or CTE) with one row per
-- child and month at least, and the columns
--     month (the first of the month), locality, agency (NULL when the indicator has no
--     agency breakdown), child_id, numerator (true: the child is in the numerator for
--     that month), denominator (true / false, or NULL for a rate or a count).
-- Each month end E counts the distinct children over the twelve months int_month_ends
-- gives it (window_start .. E), matched by equality as rolling_12_months does: a child in
-- two months of one window counts once.
select
    periods.period_end,
    monthly.locality,
    monthly.agency,
    count(distinct monthly.child_id) filter (where monthly.numerator) as numerator,
    case when count(monthly.denominator) > 0
        then count(distinct monthly.child_id) filter (where monthly.denominator)
    end as denominator
from int_month_ends as periods
cross join range(12) as months_back(n)
join query_table(monthly) as monthly
    on monthly.month = (periods.month_start - to_months(months_back.n))::date
group by all
