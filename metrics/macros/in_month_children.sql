-- arguments: monthly
-- in_month_children(monthly): each month end's own month of a rolling count of children
-- (the table rolling_12_months_children counts over twelve months), for the SPC charts:
-- the runner swaps it in for rolling_12_months_children, as in_month for rolling_12_months.
select
    periods.period_end,
    monthly.locality,
    monthly.agency,
    count(distinct monthly.child_id) filter (where monthly.numerator) as numerator,
    case when count(monthly.denominator) > 0
        then count(distinct monthly.child_id) filter (where monthly.denominator)
    end as denominator
from int_month_ends as periods
join query_table(monthly) as monthly
    on monthly.month = periods.month_start
group by all
