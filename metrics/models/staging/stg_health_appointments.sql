-- Health appointments with the child's locality; the agency is the provider's code.
with

appointments as (select * from src_health_appointments),
children as (select * from stg_children),

-- the seed agency a code names (case and spaces ignored); unlisted codes stay as sent
agency_codes as (select * from stg_agency_codes),

final as (
    select
        -- ids
        appointments.appointment_id,
        appointments.child_id,
        coalesce(agency_codes.agency_code, upper(trim(appointments.agency))) as agency,
        -- dates
        appointments.appointment_date,
        -- details
        appointments.service,
        appointments.outcome,
        -- place
        coalesce(children.locality, child_councils.unknown_locality, 'Unknown') as locality
    from appointments
    left join children on children.child_id = appointments.child_id
    left join stg_child_councils as child_councils
        on child_councils.child_id = appointments.child_id
    left join agency_codes on agency_codes.agency_key = upper(trim(appointments.agency))
)

select * from final
