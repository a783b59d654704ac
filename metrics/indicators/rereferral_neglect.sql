-- rereferral_neglect: Neglect re-referrals within 12 months (%).
-- As rereferral, restricted to neglect-related referrals (int_referrals__classified);
-- the earlier referral may be of any kind.
-- numerator:   neglect-related referrals in the rolling 12 months ending E whose child had
--              another referral (any kind) p with d - 12 months <= p < d
--              (int_referrals__rereferrals_flagged).
-- denominator: neglect-related referrals in the rolling 12 months ending E.
-- agency:      the referral's agency; unmapped sources count only in agency All.
with

referrals as (select * from int_referrals__rereferrals_flagged where is_neglect_related),

by_month as (
    select
        date_trunc('month', referral_date)::date as month,
        locality,
        agency,
        count(*) filter (where is_rereferral) as numerator,
        count(*) as denominator
    from referrals
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
