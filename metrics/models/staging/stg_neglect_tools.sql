-- Neglect tool assessments (GCP2, WeCAN, NTK, ...) with the child's locality.
with

tools as (select * from src_neglect_tools),
children as (select * from stg_children),

final as (
    select
        -- ids
        tools.tool_assessment_id,
        tools.child_id,
        tools.family_id,
        tools.tool,
        upper(trim(tools.agency)) as agency,
        -- dates
        tools.completed_date,
        -- grades (1 best - 5 worst)
        tools.overall_grade,
        tools.physical_care,
        tools.safety,
        tools.emotional_care,
        tools.developmental_care,
        -- place
        coalesce(children.locality, 'Unknown') as locality
    from tools
    left join children on children.child_id = tools.child_id
)

select * from final
