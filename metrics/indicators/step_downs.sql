-- step_downs: Step-downs from social care to early help (count).
-- numerator:   step-downs (int_step_downs: closed with RC9; or closed with RC7 and an
--              early help episode of the child starting closure - 7 days .. closure + 28
--              days inclusive) with closure_date in the rolling 12 months ending E.
-- denominator: none (a count).
with

step_downs as (select * from int_step_downs),
periods as (select * from int_month_ends),

by_month as (
    select date_trunc('month', closure_date)::date as month, locality, count(*) as numerator
    from step_downs
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
