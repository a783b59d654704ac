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
        null as agency,
        count(*) filter (where sustained) as numerator,
        count(*) as denominator
    from flagged
    group by all
),

-- a closure month counts in the windows of the month ends six months later
six_months_on as (
    select (month + interval 6 month)::date as month, locality, agency, numerator, denominator
    from by_month
),

final as (select * from rolling_12_months(six_months_on))

select * from final
