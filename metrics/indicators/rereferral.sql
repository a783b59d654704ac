-- rereferral: Re-referrals within 12 months (%; DfE C1).
-- numerator:   referrals in the rolling 12 months ending E whose child had another
--              referral p with d - 12 months <= p < d (d = this referral's date; calendar
--              months, 2024-02-29 - 12 months = 2023-02-28; a same-day referral is not one).
-- denominator: referrals in the rolling 12 months ending E (no further action included).
-- agency:      the referral's agency (int_referrals__classified); unmapped sources count
--              only in agency All.
with

referrals as (select * from int_referrals__classified),

with_previous as (
    -- the child's latest referral strictly before this one
    select referrals.*, earlier.referral_date as previous_referral_date
    from referrals
    asof left join referrals as earlier
        on earlier.child_id = referrals.child_id
        and earlier.referral_date < referrals.referral_date
),

flagged as (
    select
        *,
        coalesce(previous_referral_date >= referral_date - interval 12 month, false)
            as is_rereferral
    from with_previous
),

by_month as (
    select
        date_trunc('month', referral_date)::date as month,
        locality,
        agency,
        count(*) filter (where is_rereferral) as numerator,
        count(*) as denominator
    from flagged
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
