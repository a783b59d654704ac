-- step_down_sustained: Step-downs sustained for six months (%).
-- The window is the rolling 12 months ending at the month end six months before E
-- (E = 2025-09-30: 2024-04-01 .. 2025-03-31).
-- numerator:   step-downs (int_step_downs) with closure_date in that window and no
--              referral of the child with closure_date < referral_date <= closure_date
--              + 6 months.
-- denominator: step-downs with closure_date in that window.
with

step_downs as (select * from int_step_downs),
referrals as (select child_id, referral_date from stg_referrals),
periods as (select * from int_month_ends),

flagged as (
    select
        step_downs.*,
        not exists (
            select 1 from referrals
            where referrals.child_id = step_downs.child_id
                and referrals.referral_date > step_downs.closure_date
                and referrals.referral_date <= step_downs.closure_date + interval 6 month
        ) as sustained
    from step_downs
),

by_month as (
    select
        date_trunc('month', closure_date)::date as month,
        locality,
        count(*) filter (where sustained) as numerator,
        count(*) as denominator
    from flagged
    group by all
),

final as (
    select
        periods.period_end,
        by_month.locality,
        null as agency,
        sum(by_month.numerator) as numerator,
        sum(by_month.denominator) as denominator
    from periods
    join by_month
        on by_month.month between periods.window_start - interval 6 month
                              and periods.month_start - interval 6 month
    group by all
)

select * from final
