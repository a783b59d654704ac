-- materialized: view
-- School attendance by academic year and term (dates from stg_attendance_terms), with
-- the child's locality. A view: 2.5 million rows for a large partnership, and the one
-- indicator that reads them keeps only the children open to early help.
with

attendance as (select * from src_attendance),
terms as (select * from stg_attendance_terms),
children as (select * from stg_children),

final as (
    select
        attendance.child_id,
        attendance.academic_year,
        terms.term,
        terms.term_start,
        terms.term_end,
        attendance.sessions_possible,
        attendance.sessions_missed,
        coalesce(children.locality, child_councils.unknown_locality, 'Unknown') as locality
    from attendance
    join terms
        on terms.academic_year = attendance.academic_year
        and terms.term = upper(attendance.term)
    left join children on children.child_id = attendance.child_id
    left join stg_child_councils as child_councils
        on child_councils.child_id = attendance.child_id
)

select * from final
