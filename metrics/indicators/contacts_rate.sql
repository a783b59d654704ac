-- contacts_rate: Contacts to the front door (rate per 10,000).
-- numerator:   contacts with contact_date in the rolling 12 months ending E.
-- denominator: children aged 0-17 of the locality (added by the indicator_values mart; an
--              agency's row divides by its locality's children too).
-- agency:      the agency whose referral-source codes include contact_source (none: the
--              contact counts in agency All only).
-- Not computed (no rows) when contacts was not delivered (catalogue extracts).
with

contacts as (select * from stg_contacts),
source_agencies as (select * from int_referral_source_agencies),

by_month as (
    select
        date_trunc('month', contacts.contact_date)::date as month,
        contacts.locality,
        source_agencies.agency,
        count(*) as numerator, null as denominator
    from contacts
    left join source_agencies on source_agencies.referral_source = contacts.contact_source
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
