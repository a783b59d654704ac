-- CSC assessments with the child's locality and a neglect (factor 16A) flag.
with

assessments as (select * from src_assessments),
children as (select * from stg_children),

final as (
    select
        -- ids
        assessments.assessment_id,
        assessments.referral_id,
        assessments.child_id,
        -- dates
        assessments.start_date,
        assessments.authorised_date,
        -- factors
        assessments.factors,
        coalesce(list_contains(assessments.factors, '16A'), false) as has_neglect_factor,
        -- place
        coalesce(children.locality, child_councils.unknown_locality, 'Unknown') as locality
    from assessments
    left join children on children.child_id = assessments.child_id
    left join stg_child_councils as child_councils
        on child_councils.child_id = assessments.child_id
)

select * from final
