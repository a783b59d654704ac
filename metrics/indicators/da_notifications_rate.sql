-- da_notifications_rate: Children in police domestic abuse notifications (rate per 10,000).
-- numerator:   distinct children with a DOMESTIC_ABUSE notification with incident_date in
--              the rolling 12 months ending E (a child in several notifications counts once).
-- denominator: children aged 0-17 of the locality (added by the indicator_values mart).
-- Not computed (no rows) when police_notifications was not delivered (catalogue extracts).
with

notifications as (
    select * from stg_police_notifications where kind = 'DOMESTIC_ABUSE'
),

-- one row per child and month with a notification
by_month as (
    select distinct
        date_trunc('month', incident_date)::date as month,
        locality,
        null::varchar as agency,
        child_id,
        true as numerator,
        null::boolean as denominator
    from notifications
),

final as (select * from rolling_12_months_children(by_month))

select * from final
