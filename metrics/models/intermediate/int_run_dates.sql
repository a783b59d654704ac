-- The run's as-at date and its first monthly period (one row).
-- as_at: the --as-at override, else the newest referral, plan or episode date seen, end
-- and closure dates included, but not after today. First period: the first month end whose rolling 12 months
-- start on or after the earliest referral date or CIN/CP plan, care or early help start.
-- history_start: the first day of the first month whose end may be published ([metrics]
-- history_months: the last N month ends up to as_at; NULL when 0, no limit). It cuts only
-- the published periods: every look-back still reads the rows before it.
with

parameters as (select * from run_parameters),

activity as (
    select min(referral_date) as earliest_start,
           greatest(max(referral_date), max(closure_date)) as latest_date
    from stg_referrals
    union all
    select min(start_date), greatest(max(start_date), max(end_date)) from stg_cin_plans
    union all
    select min(start_date), greatest(max(start_date), max(end_date)) from stg_cp_plans
    union all
    select min(start_date), greatest(max(start_date), max(end_date)) from stg_looked_after
    union all
    select min(start_date), greatest(max(start_date), max(end_date)) from stg_early_help
),

bounds as (
    select min(earliest_start) as earliest_start, max(latest_date) as latest_date
    from activity
),

dates as (
    select
        -- only referral dates are refused when in the future (spec), so an end date may
        -- be planned or a typo ('9999-12-31'): the default never runs past today
        coalesce(parameters.as_at_override, least(bounds.latest_date, current_date),
                 current_date) as as_at,
        bounds.earliest_start,
        -- the first whole month starting on or after the earliest date
        case
            when day(bounds.earliest_start) = 1 then bounds.earliest_start
            else (date_trunc('month', bounds.earliest_start) + interval 1 month)::date
        end as first_window_start,
        parameters.history_months
    from parameters, bounds
),

final as (
    select
        as_at,
        earliest_start,
        first_window_start,
        -- the last month ending on or before as_at, then history_months - 1 months before it
        case when history_months > 0 then (
            date_trunc('month', as_at + interval 1 day) - to_months(history_months)
        )::date end as history_start
    from dates
)

select * from final
