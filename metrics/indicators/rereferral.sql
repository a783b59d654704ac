-- rereferral: Re-referrals within 12 months (%; DfE C1).
-- numerator:   referrals in the rolling 12 months ending E whose child had another
--              referral p with d - 12 months <= p < d (d = this referral's date; calendar
--              months, 2024-02-29 - 12 months = 2023-02-28; a same-day referral is not one;
--              int_referrals__rereferrals_flagged).
-- denominator: referrals in the rolling 12 months ending E (no further action included).
-- agency:      the referral's agency (int_referrals__classified); unmapped sources count
--              only in agency All.
with

referrals as (select * from int_referrals__rereferrals_flagged),

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
