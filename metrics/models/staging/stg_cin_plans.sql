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
        coalesce(children.locality, 'Unknown') as locality
    from plans
    left join children on children.child_id = plans.child_id
)

select * from final
