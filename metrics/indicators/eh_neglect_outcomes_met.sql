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

final as (select * from rolling_12_months(by_month))

select * from final
