-- rereferral_after_assessment: Neglect re-referrals following an assessment (%).
-- numerator:   neglect-related referrals d in the rolling 12 months ending E whose child had
--              another referral p (any kind) with d - 12 months <= p < d that has an
--              assessment starting strictly before d (one started on d's own date does
--              not count).
-- denominator: neglect-related referrals in the rolling 12 months ending E.
-- agency:      the referral's agency; unmapped sources count only in agency All.
with

referrals as (select * from int_referrals__classified),
assessments as (select referral_id, start_date from stg_assessments),

-- referrals whose child had an earlier referral within 12 months that was assessed before d
after_assessment as (
    select distinct later.referral_id
    from referrals as later
    join referrals as earlier
        on earlier.child_id = later.child_id
        and earlier.referral_date < later.referral_date
        and earlier.referral_date >= later.referral_date - interval 12 month
    join assessments
        on assessments.referral_id = earlier.referral_id
        and assessments.start_date < later.referral_date
    where later.is_neglect_related
),

by_month as (
    select
        date_trunc('month', referral_date)::date as month,
        locality,
        agency,
        count(*) filter (
            where referral_id in (select referral_id from after_assessment)
        ) as numerator,
        count(*) as denominator
    from referrals
    where is_neglect_related
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
