-- The run's as-at date and its first monthly period (one row).
-- as_at: the --as-at override, else the newest referral, plan or episode date seen, end
-- and closure dates included, but not after today. First period: the first month end whose rolling 12 months
-- start on or after the earliest referral date or CIN/CP plan, care or early help start.
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

final as (
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
        end as first_window_start
    from parameters, bounds
)

select * from final
