-- attendance_eh: School attendance of children open to early help (%, termly).
-- Periods and children: as persistent_absence_eh's denominator — children open to early
-- help in the term (an episode with start_date <= term end and end_date blank or > term
-- start) with an attendance row for it, each child's rows for the term summed.
-- numerator:   over those children, the sum of sessions attended
--              (sessions_possible - sessions_missed).
-- denominator: over those children, the sum of sessions_possible.
with

attendance as (select * from int_attendance__summed_by_term),
early_help as (select child_id, start_date, end_date from stg_early_help),

open_to_early_help as (
    select distinct attendance.*
    from attendance
    join early_help
        on early_help.child_id = attendance.child_id
        and early_help.start_date <= attendance.term_end
        and coalesce(early_help.end_date, date '9999-12-31') > attendance.term_start
),

final as (
    select
        term_end as period_end,
        locality,
        null as agency,
        sum(sessions_possible - sessions_missed) as numerator,
        sum(sessions_possible) as denominator
    from open_to_early_help
    group by all
)

select * from final
