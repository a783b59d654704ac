-- cp_long: Children on a CP plan for two years or more (%).
-- numerator:   children (each once) with a CP plan open at E whose start_date <= E - 24
--              months (calendar months: for E = 2026-02-28 a plan started 2024-02-28 has
--              lasted two years, one started 2024-02-29 has not). A child with two open
--              plans counts once, as long if either is.
-- denominator: children (each once) with a CP plan open at E.
with

open_at_month_end as (select * from int_cp_plans__open_at_month_end),

children as (
    select
        period_end,
        locality,
        child_id,
        bool_or(start_date <= (period_end - interval 24 month)::date) as is_long
    from open_at_month_end
    group by all
),

final as (
    select
        period_end,
        locality,
        null as agency,
        count(*) filter (where is_long) as numerator,
        count(*) as denominator
    from children
    group by all
)

select * from final
