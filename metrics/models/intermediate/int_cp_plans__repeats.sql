-- CP plans flagged as repeats, two ways.
-- is_second_or_subsequent (DfE D3): previous_cp_plans > 0, or the child has another plan
--   with an earlier start_date, however long ago.
-- is_repeat_within_window: the child has another plan with
--   start - N months <= end_date < start (N = repeat_plan_window_months, default 24);
--   previous_cp_plans is not used.
with

plans as (select * from stg_cp_plans),
parameters as (select * from run_parameters),

first_starts as (
    select child_id, min(start_date) as first_start from plans group by child_id
),

final as (
    select
        plans.*,
        (
            coalesce(plans.previous_cp_plans, 0) > 0
            or first_starts.first_start < plans.start_date
        ) as is_second_or_subsequent,
        exists (
            select 1 from plans as other
            where other.child_id = plans.child_id
                and other.cp_plan_id <> plans.cp_plan_id
                and other.end_date < plans.start_date
                and other.end_date >= plans.start_date
                    - to_months((select repeat_plan_window_months from parameters))
        ) as is_repeat_within_window
    from plans
    join first_starts on first_starts.child_id = plans.child_id
)

select * from final
