-- One row per CP plan open at each month end E: start_date <= E and (end_date blank or
-- end_date > E). The rule shared by cp_rate, cp_neglect_rate, cp_neglect_share and cp_long
-- (the open_at_month_ends macro, which joins each plan only to the months it spans).
with

plans as (select * from stg_cp_plans),

final as (
    select period_end, child_id, locality, initial_category, start_date
    from open_at_month_ends(plans)
)

select * from final
