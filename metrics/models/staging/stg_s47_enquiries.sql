-- Section 47 enquiries and their initial conferences, with the child's locality.
with

enquiries as (select * from src_s47_enquiries),
children as (select * from stg_children),

final as (
    select
        -- ids
        enquiries.s47_id,
        enquiries.referral_id,
        enquiries.child_id,
        -- dates
        enquiries.start_date,
        enquiries.icpc_target_date,
        enquiries.icpc_date,
        -- details
        coalesce(enquiries.icpc_not_required, false) as icpc_not_required,
        -- place
        coalesce(children.locality, child_councils.unknown_locality, 'Unknown') as locality
    from enquiries
    left join children on children.child_id = enquiries.child_id
    left join stg_child_councils as child_councils
        on child_councils.child_id = enquiries.child_id
)

select * from final
