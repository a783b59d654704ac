-- Early help episodes with the child's locality; the agency is the lead agency.
with

episodes as (select * from src_early_help),
children as (select * from stg_children),

-- the seed agency a code names (case and spaces ignored); unlisted codes stay as sent
agency_codes as (select * from stg_agency_codes),

final as (
    select
        -- ids
        episodes.episode_id,
        episodes.child_id,
        episodes.family_id,
        coalesce(agency_codes.agency_code, upper(trim(episodes.lead_agency))) as agency,
        -- dates
        episodes.start_date,
        episodes.assessment_date,
        episodes.end_date,
        -- details
        coalesce(episodes.neglect_identified, false) as neglect_identified,
        episodes.source,
        episodes.end_reason,
        -- place
        coalesce(children.locality, child_councils.unknown_locality, 'Unknown') as locality
    from episodes
    left join children on children.child_id = episodes.child_id
    left join stg_child_councils as child_councils
        on child_councils.child_id = episodes.child_id
    left join agency_codes on agency_codes.agency_key = upper(trim(episodes.lead_agency))
)

select * from final
