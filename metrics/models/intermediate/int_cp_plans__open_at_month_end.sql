-- One row per CP plan open at each month end E: start_date <= E and (end_date blank or
-- end_date > E). The rule shared by cp_rate, cp_neglect_rate, cp_neglect_share and cp_long.
with

plans as (select * from stg_cp_plans),
periods as (select * from int_month_ends),

final as (
    select
        periods.period_end,
        plans.child_id,
        plans.locality,
        plans.initial_category,
        plans.start_date
    from periods
    join plans
        on plans.start_date <= periods.period_end
        and coalesce(plans.end_date, date '9999-12-31') > periods.period_end
)

select * from final
