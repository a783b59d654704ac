-- eh_neglect_starts: Early help episodes for neglect (count).
-- numerator:   early help episodes with start_date in the rolling 12 months ending E and
--              neglect_identified = Y.
-- denominator: none (a count).
-- agency:      the episode's lead_agency.
with

episodes as (select * from stg_early_help where neglect_identified),
periods as (select * from int_month_ends),

by_month as (
    select date_trunc('month', start_date)::date as month, locality, agency, count(*) as numerator
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
