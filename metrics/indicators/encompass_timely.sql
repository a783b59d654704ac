-- encompass_timely: Domestic abuse notifications shared with the school by the next day (%).
-- numerator:   DOMESTIC_ABUSE notifications of the denominator with school_notified_date
--              <= incident_date + 1 day (a blank school_notified_date = not shared).
-- denominator: DOMESTIC_ABUSE notifications with incident_date in the rolling 12 months
--              ending E.
-- Not computed (no rows) when police_notifications was not delivered (catalogue extracts).
with

notifications as (
    select * from stg_police_notifications where kind = 'DOMESTIC_ABUSE'
),

by_month as (
    select
        date_trunc('month', incident_date)::date as month,
        locality,
        null as agency,
        count(*) filter (where school_notified_date <= incident_date + 1) as numerator,
        count(*) as denominator
    from notifications
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
