-- One row per looked_after period open at each month end E: start_date <= E and (end_date
-- blank or end_date > E). The rule shared by cla_rate and cla_neglect_rate.
with

periods_of_care as (select * from stg_looked_after),
month_ends as (select * from int_month_ends),

final as (
    select
        month_ends.period_end,
        periods_of_care.child_id,
        periods_of_care.locality,
        periods_of_care.category_of_need
    from month_ends
    join periods_of_care
        on periods_of_care.start_date <= month_ends.period_end
        and coalesce(periods_of_care.end_date, date '9999-12-31') > month_ends.period_end
)

select * from final
