-- eh_assessments: Early help assessments completed (count).
-- numerator:   early help episodes with assessment_date in the rolling 12 months ending E.
-- denominator: none (a count).
-- agency:      the episode's lead_agency.
with

episodes as (select * from stg_early_help where assessment_date is not null),
periods as (select * from int_month_ends),

by_month as (
    select
        date_trunc('month', assessment_date)::date as month,
        locality,
        agency,
        count(*) as numerator
    from episodes
    group by all
),

final as (
    select
        periods.period_end,
        by_month.locality,
        by_month.agency,
        sum(by_month.numerator) as numerator,
        null as denominator
    from periods
    join by_month on by_month.month between periods.window_start and periods.period_end
    group by all
)

select * from final
