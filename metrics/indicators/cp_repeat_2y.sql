-- cp_repeat_2y: Repeat CP plans within two years (%; window configurable).
-- numerator:   plans starting in the rolling 12 months ending E where the child has
--              another plan with start - 24 months <= end_date < start
--              (repeat_plan_window_months; previous_cp_plans not used; int_cp_plans__repeats).
-- denominator: plans starting in the rolling 12 months ending E.
with

plans as (select * from int_cp_plans__repeats),

by_month as (
    select
        date_trunc('month', start_date)::date as month,
        locality,
        null as agency,
        count(*) filter (where is_repeat_within_window) as numerator,
        count(*) as denominator
    from plans
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
