-- cp_neglect_rate: Children on a CP plan under neglect (rate per 10,000).
-- numerator:   children (each once) with a CP plan open at E (start_date <= E and
--              end_date blank or > E) whose initial_category is NEG.
-- denominator: children aged 0-17 of the locality (int_population, added by the
--              indicator_values mart; Unknown has none, so its value is NULL).
with

plans as (select * from stg_cp_plans where initial_category = 'NEG'),
periods as (select * from int_month_ends),

open_at_month_end as (
    select periods.period_end, plans.child_id, plans.locality
    from periods
    join plans
        on plans.start_date <= periods.period_end
        and coalesce(plans.end_date, date '9999-12-31') > periods.period_end
),

final as (
    select
        period_end,
        locality,
        null as agency,
        count(distinct child_id) as numerator,
        null as denominator
    from open_at_month_end
    group by all
)

select * from final
