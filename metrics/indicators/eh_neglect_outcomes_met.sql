-- eh_neglect_outcomes_met: Neglect early help closed with outcomes met (%).
-- numerator:   episodes with neglect_identified = Y and end_date in the rolling 12 months
--              ending E with end_reason OUTCOMES_MET.
-- denominator: episodes with neglect_identified = Y and end_date in the rolling 12 months
--              ending E.
-- agency:      the episode's lead_agency.
with

episodes as (
    select * from stg_early_help where neglect_identified and end_date is not null
),
periods as (select * from int_month_ends),

by_month as (
    select
        date_trunc('month', end_date)::date as month,
        locality,
        agency,
        count(*) filter (where end_reason = 'OUTCOMES_MET') as numerator,
        count(*) as denominator
    from episodes
    group by all
),

final as (
    select
        periods.period_end,
        by_month.locality,
        by_month.agency,
        sum(by_month.numerator) as numerator,
        sum(by_month.denominator) as denominator
    from periods
    join by_month on by_month.month between periods.window_start and periods.period_end
    group by all
)

select * from final
