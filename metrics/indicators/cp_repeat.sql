-- cp_repeat: Second or subsequent CP plans (%; DfE D3).
-- numerator:   plans starting in the rolling 12 months ending E that are second or
--              subsequent: previous_cp_plans > 0, or the child has another plan with an
--              earlier start_date, however long ago (int_cp_plans__repeats).
-- denominator: plans starting in the rolling 12 months ending E.
with

plans as (select * from int_cp_plans__repeats),

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
