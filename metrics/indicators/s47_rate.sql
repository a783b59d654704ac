-- s47_rate: Section 47 enquiries (rate per 10,000; DfE: section 47 enquiries).
-- numerator:   enquiries with start_date in the rolling 12 months ending E.
-- denominator: children aged 0-17 of the locality (added by the indicator_values mart).
-- Not computed (no rows) when s47_enquiries was not delivered (catalogue extracts).
with

enquiries as (select * from stg_s47_enquiries),

by_month as (
    select
        date_trunc('month', start_date)::date as month,
        locality,
        null as agency,
        count(*) as numerator, null as denominator
    from enquiries
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
