-- Contacts to the front door with the child's locality (the agency of contact_source is
-- the indicators' join: int_referral_source_agencies).
with

contacts as (select * from src_contacts),
children as (select * from stg_children),

final as (
    select
        -- ids
        contacts.contact_id,
        contacts.child_id,
        -- dates
        contacts.contact_date,
        -- details
        contacts.contact_source,
        contacts.outcome,
        -- place
        coalesce(children.locality, child_councils.unknown_locality, 'Unknown') as locality
    from contacts
    left join children on children.child_id = contacts.child_id
    left join stg_child_councils as child_councils
        on child_councils.child_id = contacts.child_id
)

select * from final
