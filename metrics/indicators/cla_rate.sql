-- cla_rate: Children looked after (rate per 10,000; DfE CLA rate).
-- numerator:   children (each once) with a looked_after period open at E
--              (start_date <= E and end_date blank or > E).
-- denominator: children aged 0-17 of the locality (added by the indicator_values mart;
--              Unknown has none, so its value is NULL).
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
    group by all
)

select * from final
