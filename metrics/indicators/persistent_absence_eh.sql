-- persistent_absence_eh: Persistent absence of children open to early help (%, termly).
-- Periods: every term in the attendance extract whose end is on or before the as-at date
-- (AUT 1 Sep - 31 Dec, SPR 1 Jan - 31 Mar, SUM 1 Apr - 31 Jul).
-- numerator:   children (each once) open to early help in the term (an episode with
--              start_date <= term end and end_date blank or > term start) with an
--              attendance row for it, whose summed sessions_missed / sessions_possible
--              (all the child's rows for the term) is at least 10%.
-- denominator: those children, whatever their absence.
with

attendance as (select * from stg_attendance),
early_help as (select child_id, start_date, end_date from stg_early_help),
terms as (select * from int_terms where extract = 'attendance'),

-- only children with an early help episode can count: drop the rest first
attendance_of_early_help_children as (
    select attendance.*
    from attendance
    join (select distinct child_id from early_help) as helped using (child_id)
),

summed as (
    select
        terms.term_start,
        terms.term_end,
        attendance.child_id,
        attendance.locality,
        sum(attendance.sessions_missed) as sessions_missed,
        sum(attendance.sessions_possible) as sessions_possible
    from attendance_of_early_help_children as attendance
    join terms on terms.term_end = attendance.term_end
    group by all
),

open_to_early_help as (
    select distinct summed.*
    from summed
    join early_help
        on early_help.child_id = summed.child_id
        and early_help.start_date <= summed.term_end
        and coalesce(early_help.end_date, date '9999-12-31') > summed.term_start
),

final as (
    select
        term_end as period_end,
        locality,
        null as agency,
        -- missed / possible >= 10%, in whole numbers
        count(*) filter (where sessions_missed * 10 >= sessions_possible) as numerator,
        count(*) as denominator
    from open_to_early_help
    group by all
)

select * from final
