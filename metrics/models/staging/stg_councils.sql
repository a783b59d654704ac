-- The partnership's councils (seeds/councils.csv): code, name, and the locality of a child
-- of that council with no (or an unmatched) postcode: 'Unknown (<name>)' in a partnership of
-- several councils, 'Unknown' with one (spec/inputs.md, "Partnerships of several councils").
with

council_list as (select * from seed_councils),
partnership as (select count(*) > 1 as several from council_list),

final as (
    select
        council_list.la_code,
        council_list.name,
        if(partnership.several, 'Unknown (' || council_list.name || ')', 'Unknown')
            as unknown_locality
    from council_list
    cross join partnership
)

select * from final
