-- One row per CP plan open at each month end E: start_date <= E and (end_date blank or
-- end_date > E). The rule shared by cp_rate, cp_neglect_rate, cp_neglect_share and cp_long.
-- Each plan is joined to the months it spans (clamped to the published ones), not every
-- plan to every month end: the cost follows the rows produced, however long the history.
with

plans as (select * from stg_cp_plans),
periods as (select * from int_month_ends),
bounds as (select min(month_start) as first_month, max(month_start) as last_month from periods),

spans as (
    select
        plans.*,
        unnest(generate_series(
            greatest(date_trunc('month', plans.start_date), bounds.first_month),
            least(date_trunc('month', coalesce(plans.end_date, bounds.last_month)),
                  bounds.last_month),
            interval 1 month
        ))::date as month_start
    from plans, bounds
),

final as (
    select
        periods.period_end,
        spans.child_id,
        spans.locality,
        spans.initial_category,
        spans.start_date
    from spans
    join periods on periods.month_start = spans.month_start
    where spans.start_date <= periods.period_end
        and coalesce(spans.end_date, date '9999-12-31') > periods.period_end
)

select * from final
