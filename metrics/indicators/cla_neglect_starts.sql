-- cla_neglect_starts: Children starting care for abuse or neglect (count).
-- numerator:   looked_after periods (each period counts) with start_date in the rolling
--              12 months ending E and category_of_need N1.
-- denominator: none (a count; the dashboard may show a rate beside it).
with

care_periods as (select * from stg_looked_after where category_of_need = 'N1'),
periods as (select * from int_month_ends),

by_month as (
    select date_trunc('month', start_date)::date as month, locality, count(*) as numerator
    from care_periods
    group by all
),

final as (
    select
        periods.period_end,
        by_month.locality,
        null as agency,
        sum(by_month.numerator) as numerator,
        null as denominator
    from periods
    join by_month on by_month.month between periods.window_start and periods.period_end
    group by all
)

select * from final
