-- cp_repeat_2y: Repeat CP plans within two years (%; window configurable).
-- numerator:   plans starting in the rolling 12 months ending E where the child has
--              another plan with start - 24 months <= end_date < start
--              (repeat_plan_window_months; previous_cp_plans not used; int_cp_plans__repeats).
-- denominator: plans starting in the rolling 12 months ending E.
with

plans as (select * from int_cp_plans__repeats),
periods as (select * from int_month_ends),

by_month as (
    select
        date_trunc('month', start_date)::date as month,
        locality,
        count(*) filter (where is_repeat_within_window) as numerator,
        count(*) as denominator
    from plans
    group by all
),

final as (
    select
        periods.period_end,
        by_month.locality,
        null as agency,
        sum(by_month.numerator) as numerator,
        sum(by_month.denominator) as denominator
    from periods
    join by_month on by_month.month between periods.window_start and periods.period_end
    group by all
)

select * from final
