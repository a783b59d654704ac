-- icpc_to_plan: Initial conferences leading to a CP plan (%).
-- numerator:   enquiries with icpc_date in the rolling 12 months ending E (icpc_not_required
--              not Y) where a CP plan of the child starts on a day from icpc_date to
--              icpc_date + 7 days.
-- denominator: enquiries with icpc_date in the rolling 12 months ending E (icpc_not_required
--              not Y).
-- Not computed (no rows) when s47_enquiries was not delivered (catalogue extracts).
with

enquiries as (
    select * from stg_s47_enquiries
    where icpc_date is not null and not icpc_not_required
),
plans as (select child_id, start_date from stg_cp_plans),

flagged as (
    select
        enquiries.*,
        exists (
            select 1 from plans
            where plans.child_id = enquiries.child_id
                and plans.start_date between enquiries.icpc_date and enquiries.icpc_date + 7
        ) as led_to_plan
    from enquiries
),

by_month as (
    select
        date_trunc('month', icpc_date)::date as month,
        locality,
        null as agency,
        count(*) filter (where led_to_plan) as numerator,
        count(*) as denominator
    from flagged
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
