-- cla_neglect_starts: Children starting care for abuse or neglect (count).
-- numerator:   looked_after periods (each period counts) with start_date in the rolling
--              12 months ending E and category_of_need N1 that are starts of care
--              (starts_care: not a period already open when a one-year return begins).
-- denominator: none (a count; the dashboard may show a rate beside it).
with

care_periods as (
    select * from stg_looked_after where category_of_need = 'N1' and starts_care
),

by_month as (
    select
        date_trunc('month', start_date)::date as month,
        locality,
        null as agency,
        count(*) as numerator,
        null as denominator
    from care_periods
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
