-- Termly periods: every term present in the extract whose end is on or before the as-at
-- date (even if earlier than the first monthly period), per extract; with [metrics]
-- history_months, only the terms that end within the published months (on or after
-- int_run_dates.history_start).
with

run_dates as (select * from int_run_dates),

terms as (
    select distinct 'two_year_olds' as extract, term_start, term_end from stg_two_year_olds
    union all
    select distinct 'attendance', term_start, term_end from stg_attendance_terms
),

final as (
    select terms.*
    from terms, run_dates
    where terms.term_end is not null and terms.term_end <= run_dates.as_at
        and terms.term_end >= coalesce(run_dates.history_start, terms.term_end)
)

select * from final
order by extract, term_end
