-- The seed agencies in file order, with the key records match them on (codes compared
-- ignoring case and surrounding spaces; the first listed wins).
with

agencies as (select rowid as agency_order, * from seed_agencies),

final as (
    select
        agency_order,
        agency_code,
        agency_name,
        sector,
        referral_sources,
        upper(trim(agency_code)) as agency_key
    from agencies
)

select * from final
