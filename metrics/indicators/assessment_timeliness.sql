-- assessment_timeliness: Assessments completed within 45 working days (%).
-- numerator:   assessments with authorised_date in the rolling 12 months ending E and at
--              most 45 working days from start_date to authorised_date (working days
--              exclude weekends and seeds/bank_holidays; the start day is not counted).
-- denominator: assessments with authorised_date in the rolling 12 months ending E.
with

assessments as (select * from stg_assessments where authorised_date is not null),
calendar as (select * from int_working_days),

timed as (
    select
        assessments.*,
        authorised.working_days_to_date - started.working_days_to_date as working_days
    from assessments
    join calendar as started on started.date = assessments.start_date
    join calendar as authorised on authorised.date = assessments.authorised_date
),

by_month as (
    select
        date_trunc('month', authorised_date)::date as month,
        locality,
        null as agency,
        count(*) filter (where working_days <= 45) as numerator,
        count(*) as denominator
    from timed
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
