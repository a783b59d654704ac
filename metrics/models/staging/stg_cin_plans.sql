-- Child in need plans with the child's locality.
with

plans as (select * from src_cin_plans),
children as (select * from stg_children),

final as (
    select
        plans.cin_plan_id,
        plans.referral_id,
        plans.child_id,
        plans.start_date,
        plans.end_date,
        coalesce(children.locality, child_councils.unknown_locality, 'Unknown') as locality
    from plans
    left join children on children.child_id = plans.child_id
    left join stg_child_councils as child_councils
        on child_councils.child_id = plans.child_id
)

select * from final
