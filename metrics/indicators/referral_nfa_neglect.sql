-- referral_nfa_neglect: Neglect referrals closed with no further action (%).
-- As referral_nfa, restricted to neglect-related referrals (int_referrals__classified).
-- numerator:   neglect-related referrals in the rolling 12 months ending E with
--              referral_nfa = Y.
-- denominator: neglect-related referrals in the rolling 12 months ending E.
-- agency:      the referral's agency; unmapped sources count only in agency All.
with

referrals as (select * from int_referrals__classified where is_neglect_related),

by_month as (
    select
        date_trunc('month', referral_date)::date as month,
        locality,
        agency,
        count(*) filter (where referral_nfa) as numerator,
        count(*) as denominator
    from referrals
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
