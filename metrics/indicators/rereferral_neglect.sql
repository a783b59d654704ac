-- rereferral_neglect: Neglect re-referrals within 12 months (%).
-- As rereferral, restricted to neglect-related referrals (int_referrals__classified);
-- the earlier referral may be of any kind.
-- numerator:   neglect-related referrals in the rolling 12 months ending E whose child had
--              another referral (any kind) p with d - 12 months <= p < d.
-- denominator: neglect-related referrals in the rolling 12 months ending E.
-- agency:      the referral's agency; unmapped sources count only in agency All.
with

referrals as (select * from int_referrals__classified),

with_previous as (
    -- the child's latest referral of any kind strictly before this one
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
    where is_neglect_related
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
