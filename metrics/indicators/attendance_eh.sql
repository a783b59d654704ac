-- attendance_eh: School attendance of children open to early help (%, termly).
-- Periods and children: as persistent_absence_eh's denominator — children open to early
-- help in the term (an episode with start_date <= term end and end_date blank or > term
-- start) with an attendance row for it, each child's rows for the term summed.
-- numerator:   over those children, the sum of sessions attended
--              (sessions_possible - sessions_missed).
-- denominator: over those children, the sum of sessions_possible.
with

children as (select * from int_attendance__open_to_early_help),

final as (
    select
        term_end as period_end,
        locality,
        null as agency,
        sum(sessions_possible - sessions_missed) as numerator,
        sum(sessions_possible) as denominator
    from children
    group by all
)

select * from final
