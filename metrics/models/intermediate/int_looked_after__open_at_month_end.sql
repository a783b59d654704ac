-- One row per looked_after period open at each month end E: start_date <= E and (end_date
-- blank or end_date > E). The rule shared by cla_rate and cla_neglect_rate.
-- Each period of care is joined to the months it spans (clamped to the published ones), not
-- every period to every month end: the cost follows the rows produced, however long the
-- history.
with

periods_of_care as (select * from stg_looked_after),
month_ends as (select * from int_month_ends),
bounds as (
    select min(month_start) as first_month, max(month_start) as last_month from month_ends
),

spans as (
    select
        periods_of_care.*,
        unnest(generate_series(
            greatest(date_trunc('month', periods_of_care.start_date), bounds.first_month),
            least(date_trunc('month', coalesce(periods_of_care.end_date, bounds.last_month)),
                  bounds.last_month),
            interval 1 month
        ))::date as month_start
    from periods_of_care, bounds
),

final as (
    select
        month_ends.period_end,
        spans.child_id,
        spans.locality,
        spans.category_of_need
    from spans
    join month_ends on month_ends.month_start = spans.month_start
    where spans.start_date <= month_ends.period_end
        and coalesce(spans.end_date, date '9999-12-31') > month_ends.period_end
)

select * from final
