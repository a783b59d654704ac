-- eh_step_up: Early help stepping up to social care (%).
-- numerator:   episodes with end_date in the rolling 12 months ending E and end_reason
--              STEP_UP_CSC.
-- denominator: episodes with end_date in the rolling 12 months ending E.
-- agency:      the episode's lead_agency.
with

episodes as (select * from stg_early_help where end_date is not null),

by_month as (
    select
        date_trunc('month', end_date)::date as month,
        locality,
        agency,
        count(*) filter (where end_reason = 'STEP_UP_CSC') as numerator,
        count(*) as denominator
    from episodes
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
