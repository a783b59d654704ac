-- persistent_absence_eh: Persistent absence of children open to early help (%, termly).
-- Periods: every term in the attendance extract whose end is on or before the as-at date
-- (AUT 1 Sep - 31 Dec, SPR 1 Jan - 31 Mar, SUM 1 Apr - 31 Jul).
-- numerator:   children (each once) open to early help in the term (an episode with
--              start_date <= term end and end_date blank or > term start) with an
--              attendance row for it, whose summed sessions_missed / sessions_possible
--              (all the child's rows for the term) is at least 10%.
-- denominator: those children, whatever their absence.
with

children as (select * from int_attendance__open_to_early_help),

final as (
    select
        term_end as period_end,
        locality,
        null as agency,
        -- missed / possible >= 10%, in whole numbers
        count(*) filter (where sessions_missed * 10 >= sessions_possible) as numerator,
        count(*) as denominator
    from children
    group by all
)

select * from final
