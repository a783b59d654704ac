-- cp_neglect_rate: Children on a CP plan under neglect (rate per 10,000).
-- numerator:   children (each once) with a CP plan open at E (start_date <= E and
--              end_date blank or > E; int_cp_plans__open_at_month_end) whose
--              initial_category is NEG.
-- denominator: children aged 0-17 of the locality (int_population, added by the
--              indicator_values mart; Unknown has none, so its value is NULL).
with

open_at_month_end as (
    select * from int_cp_plans__open_at_month_end
    where initial_category = 'NEG'
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
