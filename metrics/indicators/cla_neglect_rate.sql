-- cla_neglect_rate: Children looked after because of abuse or neglect (rate per 10,000).
-- numerator:   children (each once) with a looked_after period open at E whose own
--              category_of_need is N1 (the N1 period must be the one open at E).
-- denominator: children aged 0-17 of the locality (added by the indicator_values mart).
with

open_at_month_end as (select * from int_looked_after__open_at_month_end),

final as (
    select
        period_end,
        locality,
        null as agency,
        count(distinct child_id) as numerator,
        null as denominator
    from open_at_month_end
    where category_of_need = 'N1'
    group by all
)

select * from final
