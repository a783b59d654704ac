-- Each child's attendance in each term of the attendance extract, several rows of one child
-- and term summed: the base of the termly attendance indicators (persistent_absence_eh,
-- attendance_eh, persistent_absence_cin_cp). Terms: int_terms (AUT 1 Sep - 31 Dec,
-- SPR 1 Jan - 31 Mar, SUM 1 Apr - 31 Jul; ends on or before the as-at date).
with

attendance as (select * from stg_attendance),
terms as (select * from int_terms where extract = 'attendance'),

final as (
    select
        terms.term_start,
        terms.term_end,
        attendance.child_id,
        attendance.locality,
        sum(attendance.sessions_missed) as sessions_missed,
        sum(attendance.sessions_possible) as sessions_possible
    from attendance
    join terms on terms.term_end = attendance.term_end
    group by all
)

select * from final
