-- cp_repeat_neglect: Children on a neglect plan for a second time or more (%).
-- As cp_repeat (counting plans, not children), restricted to plans whose
-- initial_category is NEG; the earlier plan may be of any category.
-- numerator:   NEG plans starting in the rolling 12 months ending E that are second or
--              subsequent (previous_cp_plans > 0, or the child has another plan of any
--              category with an earlier start_date; int_cp_plans__repeats).
-- denominator: NEG plans starting in the rolling 12 months ending E.
with

plans as (select * from int_cp_plans__repeats where initial_category = 'NEG'),

by_month as (
    select
        date_trunc('month', start_date)::date as month,
        locality,
        null as agency,
        count(*) filter (where is_second_or_subsequent) as numerator,
        count(*) as denominator
    from plans
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
