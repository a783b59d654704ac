-- cp_neglect_share: Share of CP plans that are for neglect (%).
-- numerator:   children (each once) with a plan open at E whose initial_category is NEG.
-- denominator: children (each once) with a plan open at E (start_date <= E and
--              end_date blank or > E; int_cp_plans__open_at_month_end), any category.
with

open_at_month_end as (
    select * from int_cp_plans__open_at_month_end
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
