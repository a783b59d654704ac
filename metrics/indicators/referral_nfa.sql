-- referral_nfa: Referrals closed with no further action (%).
-- numerator:   referrals in the rolling 12 months ending E with referral_nfa = Y.
-- denominator: referrals in the rolling 12 months ending E.
-- agency:      the referral's agency; unmapped sources count only in agency All.
with

referrals as (select * from int_referrals__classified),
periods as (select * from int_month_ends),

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

final as (
    select
        periods.period_end,
        by_month.locality,
        by_month.agency,
        sum(by_month.numerator) as numerator,
        sum(by_month.denominator) as denominator
    from periods
    join by_month on by_month.month between periods.window_start and periods.period_end
    group by all
)

select * from final
