-- cp_neglect_starts: CP plans starting under neglect (count).
-- numerator:   plans (each plan counts) with start_date in the rolling 12 months ending E
--              and initial_category NEG.
-- denominator: none (a count).
with

plans as (select * from stg_cp_plans where initial_category = 'NEG'),
periods as (select * from int_month_ends),

by_month as (
    select date_trunc('month', start_date)::date as month, locality, count(*) as numerator
    from plans
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
