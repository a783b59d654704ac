-- cp_neglect_starts: CP plans starting under neglect (count).
-- numerator:   plans (each plan counts) with start_date in the rolling 12 months ending E
--              and initial_category NEG.
-- denominator: none (a count).
with

plans as (select * from stg_cp_plans where initial_category = 'NEG'),

by_month as (
    select
        date_trunc('month', start_date)::date as month,
        locality,
        null as agency,
        count(*) as numerator,
        null as denominator
    from plans
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
