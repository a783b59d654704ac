-- persistent_absence_cin_cp: Persistent absence of children in need or on a CP plan
-- (%, termly; the comparator the DfE publishes for children in need).
-- As persistent_absence_eh, for children with a CIN plan or a CP plan open on any day of
-- the term (start_date <= term end and end_date blank or > term start).
-- numerator:   those children (each once) with an attendance row for the term whose summed
--              sessions_missed / sessions_possible is at least 10%.
-- denominator: those children, whatever their absence.
with

attendance as (select * from int_attendance__summed_by_term),
plans as (
    select child_id, start_date, end_date from stg_cin_plans
    union all
    select child_id, start_date, end_date from stg_cp_plans
),

open_to_social_care as (
    select distinct attendance.*
    from attendance
    join plans
        on plans.child_id = attendance.child_id
        and plans.start_date <= attendance.term_end
        and coalesce(plans.end_date, date '9999-12-31') > attendance.term_start
),

final as (
    select
        term_end as period_end,
        locality,
        null as agency,
        -- missed / possible >= 10%, in whole numbers
        count(*) filter (where sessions_missed * 10 >= sessions_possible) as numerator,
        count(*) as denominator
    from open_to_social_care
    group by all
)

select * from final
