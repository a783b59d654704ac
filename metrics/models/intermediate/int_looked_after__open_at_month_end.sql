-- One row per looked_after period open at each month end E: start_date <= E and (end_date
-- blank or end_date > E). The rule shared by cla_rate and cla_neglect_rate (the
-- open_at_month_ends macro, which joins each period only to the months it spans).
with

periods_of_care as (select * from stg_looked_after),

final as (
    select period_end, child_id, locality, category_of_need
    from open_at_month_ends(periods_of_care)
)

select * from final
