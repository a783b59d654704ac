-- neglect_tools_completed: Neglect assessment tools completed (count).
-- numerator:   tool assessments with completed_date in the rolling 12 months ending E.
-- denominator: none (a count).
-- agency:      the assessment's agency.
with

tools as (select * from stg_neglect_tools),

by_month as (
    select
        date_trunc('month', completed_date)::date as month,
        locality,
        agency,
        count(*) as numerator, null as denominator
    from tools
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
