-- eh_assessments: Early help assessments completed (count).
-- numerator:   early help episodes with assessment_date in the rolling 12 months ending E.
-- denominator: none (a count).
-- agency:      the episode's lead_agency.
with

episodes as (select * from stg_early_help where assessment_date is not null),

by_month as (
    select
        date_trunc('month', assessment_date)::date as month,
        locality,
        agency,
        count(*) as numerator, null as denominator
    from episodes
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
