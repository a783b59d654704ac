-- referrals_neglect: Referrals where neglect is a factor (rate per 10,000).
-- numerator:   neglect-related referrals (neglect_flag Y, an assessment with factor 16A,
--              or a CP plan of the referral with initial or latest category NEG;
--              int_referrals__classified) in the rolling 12 months ending E.
-- denominator: children aged 0-17 of the locality, also for agency rows (int_population,
--              added by the indicator_values mart; Unknown has none, so its value is NULL).
-- agency:      the referral's agency; unmapped sources count only in agency All.
with

referrals as (select * from int_referrals__classified where is_neglect_related),

by_month as (
    select
        date_trunc('month', referral_date)::date as month,
        locality,
        agency,
        count(*) as numerator, null as denominator
    from referrals
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
