-- icpc_timely: Initial conferences within 15 working days (%).
-- numerator:   enquiries with icpc_date in the rolling 12 months ending E and
--              icpc_not_required not Y, whose conference was held on or before its target.
--              Target: icpc_target_date; when blank, start_date + 15 working days (the
--              15th working day after the start: weekends and seeds/bank_holidays
--              excluded, the start day not counted, as assessment_timeliness).
-- denominator: enquiries with icpc_date in the rolling 12 months ending E and
--              icpc_not_required not Y.
-- Not computed (no rows) when s47_enquiries was not delivered (catalogue extracts).
with

enquiries as (
    select * from stg_s47_enquiries
    where icpc_date is not null and not icpc_not_required
),
calendar as (select * from int_working_days),

-- the 15th working day after each start (for enquiries with no recorded target)
default_targets as (
    select enquiries.s47_id, min(target.date) as target_date
    from enquiries
    join calendar as started on started.date = enquiries.start_date
    join calendar as target
        on target.working_days_to_date = started.working_days_to_date + 15
        and target.is_working_day
    where enquiries.icpc_target_date is null
    group by all
),

timed as (
    select
        enquiries.*,
        enquiries.icpc_date <= coalesce(enquiries.icpc_target_date,
                                        default_targets.target_date) as on_time
    from enquiries
    left join default_targets on default_targets.s47_id = enquiries.s47_id
),

by_month as (
    select
        date_trunc('month', icpc_date)::date as month,
        locality,
        null as agency,
        count(*) filter (where on_time) as numerator,
        count(*) as denominator
    from timed
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
