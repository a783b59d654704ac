-- cla_missing: Looked-after children who went missing (%; DfE: children looked after who
-- had a missing incident).
-- numerator:   children of the denominator with a missing_episodes row of kind M starting
--              in the rolling 12 months ending E on a day a period of theirs was open
--              (start_date <= day and end_date blank or >= day: the end day counts).
-- denominator: children (each once) with a looked_after period open on some day of the
--              rolling 12 months (start_date <= E and end_date blank or >= the window's
--              first day): a period is open on some day of the window exactly when it is
--              open on some day of one of its months.
-- Not computed (no rows) when missing_episodes or looked_after was not delivered (catalogue
-- extracts).
with

periods_of_care as (select * from stg_looked_after),
missing as (select * from stg_missing_episodes where kind = 'M'),
month_bounds as (
    select min(month_start) as first_month, max(month_start) as last_month
    from int_month_ends
),

-- each month a period is open on some day of (start_date <= month end, end_date blank or
-- >= month start), from 11 months before the first published month
looked_after_months as (
    select distinct
        unnest(generate_series(
            greatest(date_trunc('month', periods_of_care.start_date),
                     month_bounds.first_month - interval 11 month),
            least(date_trunc('month', coalesce(periods_of_care.end_date,
                                               month_bounds.last_month)),
                  month_bounds.last_month),
            interval 1 month
        ))::date as month,
        periods_of_care.locality,
        periods_of_care.child_id
    from periods_of_care, month_bounds
),

went_missing as (
    select distinct
        date_trunc('month', missing.start_date)::date as month,
        missing.child_id
    from missing
    join periods_of_care
        on periods_of_care.child_id = missing.child_id
        and periods_of_care.start_date <= missing.start_date
        and coalesce(periods_of_care.end_date, date '9999-12-31') >= missing.start_date
),

by_month as (
    select
        looked_after_months.month,
        looked_after_months.locality,
        null::varchar as agency,
        looked_after_months.child_id,
        went_missing.child_id is not null as numerator,
        true as denominator
    from looked_after_months
    left join went_missing
        on went_missing.child_id = looked_after_months.child_id
        and went_missing.month = looked_after_months.month
),

final as (select * from rolling_12_months_children(by_month))

select * from final
