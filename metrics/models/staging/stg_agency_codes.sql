-- The seed agency each code names (case and surrounding spaces ignored; the first listed
-- wins). Records join it on upper(trim(their agency)); a code no seed lists stays as sent.
with

agencies as (select * from stg_agencies),

final as (
    select agency_key, arg_min(agency_code, agency_order) as agency_code
    from agencies
    group by agency_key
)

select * from final
