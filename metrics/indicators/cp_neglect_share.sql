-- cp_neglect_share: Share of CP plans that are for neglect (%).
-- numerator:   children (each once) with a plan open at E whose initial_category is NEG.
-- denominator: children (each once) with a plan open at E (start_date <= E and
--              end_date blank or > E), any category.
with

plans as (select * from stg_cp_plans),
periods as (select * from int_month_ends),

open_at_month_end as (
    select periods.period_end, plans.child_id, plans.locality, plans.initial_category
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
        count(distinct child_id) filter (where initial_category = 'NEG') as numerator,
        count(distinct child_id) as denominator
    from open_at_month_end
    group by all
)

select * from final
