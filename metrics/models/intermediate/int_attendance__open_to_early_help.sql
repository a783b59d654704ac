-- Per term, the children open to early help in it (an episode with start_date <= term end
-- and end_date blank or > term start) who have attendance recorded for it, their rows for
-- the term summed: the children persistent_absence_eh and attendance_eh are about.
with

attendance as (select * from int_attendance__summed_by_term),
early_help as (select child_id, start_date, end_date from stg_early_help),

final as (
    select distinct attendance.*
    from attendance
    join early_help
        on early_help.child_id = attendance.child_id
        and early_help.start_date <= attendance.term_end
        and coalesce(early_help.end_date, date '9999-12-31') > attendance.term_start
)

select * from final
