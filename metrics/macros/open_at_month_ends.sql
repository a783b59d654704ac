-- arguments: records
-- open_at_month_ends(records): one row per record (a table or CTE with start_date and
-- end_date) and month end E at which it is open: start_date <= E and (end_date blank or
-- end_date > E), the record's columns with E as period_end. Each record is joined only to
-- the months it spans (clamped to the published ones), not to every month end: the cost
-- follows the rows produced, however long the history. Used by the open-at-month-end models
-- (CP plans, periods of care).
with

month_ends as (select * from int_month_ends),
bounds as (
    select min(month_start) as first_month, max(month_start) as last_month from month_ends
),

spans as (
    select
        records.*,
        unnest(generate_series(
            greatest(date_trunc('month', records.start_date), bounds.first_month),
            least(date_trunc('month', coalesce(records.end_date, bounds.last_month)),
                  bounds.last_month),
            interval 1 month
        ))::date as open_month_start
    from query_table(records) as records, bounds
)

select month_ends.period_end, spans.* exclude (open_month_start)
from spans
join month_ends on month_ends.month_start = spans.open_month_start
where spans.start_date <= month_ends.period_end
    and coalesce(spans.end_date, date '9999-12-31') > month_ends.period_end
