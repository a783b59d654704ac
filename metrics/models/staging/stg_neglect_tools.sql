-- Neglect tool assessments (GCP2, WeCAN, NTK, ...) with the child's locality.
with

tools as (select * from src_neglect_tools),
children as (select * from stg_children),

-- the seed agency a code names (case and spaces ignored); unlisted codes stay as sent
agency_codes as (select * from stg_agency_codes),

final as (
    select
        -- ids
        tools.tool_assessment_id,
        tools.child_id,
        tools.family_id,
        tools.tool,
        coalesce(agency_codes.agency_code, upper(trim(tools.agency))) as agency,
        -- dates
        tools.completed_date,
        -- grades (1 best - 5 worst)
        tools.overall_grade,
        tools.physical_care,
        tools.safety,
        tools.emotional_care,
        tools.developmental_care,
        -- place
        coalesce(children.locality, child_councils.unknown_locality, 'Unknown') as locality
    from tools
    left join children on children.child_id = tools.child_id
    left join stg_child_councils as child_councils
        on child_councils.child_id = tools.child_id
    left join agency_codes on agency_codes.agency_key = upper(trim(tools.agency))
)

select * from final
