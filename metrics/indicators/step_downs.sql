-- step_downs: Step-downs from social care to early help (count).
-- numerator:   step-downs (int_step_downs: closed with RC9; or closed with RC7 and an
--              early help episode of the child starting closure - 7 days .. closure + 28
--              days inclusive) with closure_date in the rolling 12 months ending E.
-- denominator: none (a count).
with

step_downs as (select * from int_step_downs),

by_month as (
    select
        date_trunc('month', closure_date)::date as month,
        locality,
        null as agency,
        count(*) as numerator,
        null as denominator
    from step_downs
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
