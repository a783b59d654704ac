-- eh_neglect_starts: Early help episodes for neglect (count).
-- numerator:   early help episodes with start_date in the rolling 12 months ending E and
--              neglect_identified = Y.
-- denominator: none (a count).
-- agency:      the episode's lead_agency.
with

episodes as (select * from stg_early_help where neglect_identified),

by_month as (
    select
        date_trunc('month', start_date)::date as month,
        locality,
        agency,
        count(*) as numerator,
        null as denominator
    from episodes
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
