-- arguments: monthly
-- in_month(monthly): each month end's own month of a rolling indicator's per-month counts
-- (the same table rolling_12_months sums over twelve months), for the SPC charts: the
-- runner builds ind_<id>__in_month from an indicator's file by calling this macro where
-- the file calls rolling_12_months, so the monthly series is the same definition over a
-- one-month window. Neighbouring rolling values share 11 of their 12 months; these share none.
select
    periods.period_end,
    monthly.locality,
    monthly.agency,
    sum(monthly.numerator) as numerator,
    sum(monthly.denominator) as denominator
from int_month_ends as periods
join query_table(monthly) as monthly
    on monthly.month = periods.month_start
group by all
