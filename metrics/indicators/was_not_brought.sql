-- was_not_brought: Health appointments the child was not brought to (%).
-- numerator:   appointments of the denominator with outcome WAS_NOT_BROUGHT.
-- denominator: appointments with appointment_date in the rolling 12 months ending E, other
--              than CANCELLED_BY_SERVICE, of children with an early help episode, a CIN
--              plan or a CP plan open on the appointment date (start_date <= date and
--              end_date blank or >= date: the end day counts).
-- agency:      the row's agency (the health provider).
-- Not computed (no rows) when health_appointments was not delivered (catalogue extracts).
with

appointments as (
    select * from stg_health_appointments where outcome <> 'CANCELLED_BY_SERVICE'
),

known_spans as (
    select child_id, start_date, end_date from stg_early_help
    union all
    select child_id, start_date, end_date from stg_cin_plans
    union all
    select child_id, start_date, end_date from stg_cp_plans
),

known as (
    select appointments.*
    from appointments
    where exists (
        select 1 from known_spans
        where known_spans.child_id = appointments.child_id
            and known_spans.start_date <= appointments.appointment_date
            and coalesce(known_spans.end_date, date '9999-12-31') >= appointments.appointment_date
    )
),

by_month as (
    select
        date_trunc('month', appointment_date)::date as month,
        locality,
        agency,
        count(*) filter (where outcome = 'WAS_NOT_BROUGHT') as numerator,
        count(*) as denominator
    from known
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
