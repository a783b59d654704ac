-- Which agency a CIN referral-source code belongs to: the first agency (seed file order)
-- whose ';'-separated referral_sources lists it. Codes no agency lists have no row.
with

agencies as (select agency_order, agency_code, referral_sources from stg_agencies),

listed as (
    select
        agencies.agency_order,
        agencies.agency_code,
        upper(trim(unnest(string_split(agencies.referral_sources, ';')))) as referral_source
    from agencies
    where agencies.referral_sources is not null
),

final as (
    select referral_source, arg_min(agency_code, agency_order) as agency
    from listed
    where referral_source <> ''
    group by referral_source
)

select * from final
