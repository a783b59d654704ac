-- Child protection plans with the child's locality.
with

plans as (select * from src_cp_plans),
children as (select * from stg_children),

final as (
    select
        -- ids
        plans.cp_plan_id,
        plans.referral_id,
        plans.child_id,
        -- dates
        plans.start_date,
        plans.end_date,
        -- categories
        plans.initial_category,
        plans.latest_category,
        plans.previous_cp_plans,
        -- place
        coalesce(children.locality, child_councils.unknown_locality, 'Unknown') as locality
    from plans
    left join children on children.child_id = plans.child_id
    left join stg_child_councils as child_councils
        on child_councils.child_id = plans.child_id
)

select * from final
