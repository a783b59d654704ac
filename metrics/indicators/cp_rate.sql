-- cp_rate: Children on a CP plan, all categories (rate per 10,000; DfE D1).
-- numerator:   children (each once) with a CP plan open at E (start_date <= E and
--              end_date blank or > E; int_cp_plans__open_at_month_end).
-- denominator: children aged 0-17 of the locality (int_population, added by the
--              indicator_values mart; Unknown has none, so its value is NULL).
with

open_at_month_end as (
    select * from int_cp_plans__open_at_month_end
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
