-- Each child's attendance in each term of the attendance extract, several rows of one child
-- and term summed: the base of the termly attendance indicators (persistent_absence_eh,
-- attendance_eh, persistent_absence_cin_cp). Terms: int_terms (AUT 1 Sep - 31 Dec,
-- SPR 1 Jan - 31 Mar, SUM 1 Apr - 31 Jul; ends on or before the as-at date).
-- Only the terms in which the child was open to early help, a CIN plan or a CP plan on
-- some day (start on or before the term's end, end blank or after its start): every
-- indicator reading this keeps no other, and the extract holds every pupil's every term
-- (ten million rows over twenty years for a large partnership), so the few that count are
-- picked before they are summed.
with

attendance as (select * from stg_attendance),
terms as (select * from int_terms where extract = 'attendance'),

episodes as (
    select child_id, start_date, end_date from stg_early_help
    union all
    select child_id, start_date, end_date from stg_cin_plans
    union all
    select child_id, start_date, end_date from stg_cp_plans
),

open_in_term as (
    select distinct episodes.child_id, terms.term_end
    from episodes
    join terms
        on episodes.start_date <= terms.term_end
        and coalesce(episodes.end_date, date '9999-12-31') > terms.term_start
),

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
    semi join open_in_term
        on open_in_term.child_id = attendance.child_id
        and open_in_term.term_end = attendance.term_end
    group by all
)

select * from final
