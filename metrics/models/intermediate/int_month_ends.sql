-- Monthly periods: every month end E from the first whose rolling 12 months start on or
-- after the earliest activity, up to the as-at date (E <= as_at), and at most the last
-- [metrics] history_months of them (from int_run_dates.history_start). The rolling 12
-- months ending E run from window_start (first day of the month eleven months before E's
-- month) to E inclusive. Only the published month ends are cut: a model looks back from
-- them into every row that loaded, however old.
with

run_dates as (select * from int_run_dates),

months as (
    select unnest(generate_series(
        greatest(first_window_start + interval 11 month,
                 coalesce(history_start, first_window_start)),
        date_trunc('month', as_at),
        interval 1 month
    ))::date as month_start
    from run_dates
    where first_window_start is not null
),

final as (
    select
        last_day(months.month_start) as period_end,
        months.month_start,
        (months.month_start - interval 11 month)::date as window_start
    from months, run_dates
    where last_day(months.month_start) <= run_dates.as_at
)

select * from final
order by period_end
