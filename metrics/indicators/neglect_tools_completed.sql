-- neglect_tools_completed: Neglect assessment tools completed (count).
-- numerator:   tool assessments with completed_date in the rolling 12 months ending E.
-- denominator: none (a count).
-- agency:      the assessment's agency.
with

tools as (select * from stg_neglect_tools),
periods as (select * from int_month_ends),

by_month as (
    select
        date_trunc('month', completed_date)::date as month,
        locality,
        agency,
        count(*) as numerator
    from tools
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
