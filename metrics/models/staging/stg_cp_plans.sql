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
        coalesce(children.locality, 'Unknown') as locality
    from plans
    left join children on children.child_id = plans.child_id
)

select * from final
