-- referral_nfa: Referrals closed with no further action (%).
-- numerator:   referrals in the rolling 12 months ending E with referral_nfa = Y.
-- denominator: referrals in the rolling 12 months ending E.
-- agency:      the referral's agency; unmapped sources count only in agency All.
with

referrals as (select * from int_referrals__classified),

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
