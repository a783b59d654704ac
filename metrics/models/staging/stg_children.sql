-- One row per child, with the child's locality (Unknown when the postcode is blank,
-- malformed or unmatched; 'Unknown (<council>)' in a partnership of several councils).
with

children as (select * from src_children),
postcodes as (select * from stg_postcodes),

final as (
    select
        -- ids
        children.child_id,
        -- details
        children.date_of_birth,
        children.expected_date_of_birth,
        children.sex,
        children.ethnicity,
        children.disability,
        children.upn,
        -- place
        children.postcode,
        postcodes.postcode_normalised,
        coalesce(postcodes.locality, child_councils.unknown_locality, 'Unknown') as locality
    from children
    left join postcodes on postcodes.postcode = children.postcode
    left join stg_child_councils as child_councils
        on child_councils.child_id = children.child_id
)

select * from final
