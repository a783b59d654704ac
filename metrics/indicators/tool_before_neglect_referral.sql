-- tool_before_neglect_referral: Neglect referrals with the referring agency's tool
-- completed first (%).
-- numerator:   neglect-related referrals in the rolling 12 months ending E from an agency
--              (its referral_source listed by an agency) where that same agency completed
--              a neglect tool (any tool) for the child with
--              referral_date - 6 months <= completed_date <= referral_date.
-- denominator: neglect-related referrals in the rolling 12 months ending E from an agency.
-- agency:      the referral's agency; a referral whose source no agency lists is in
--              neither numerator nor denominator (so agency All counts each referral from
--              an agency once).
with

referrals as (
    select * from int_referrals__classified
    where is_neglect_related and agency is not null
),
tools as (select child_id, agency, completed_date from stg_neglect_tools),

tool_first as (
    select distinct referrals.referral_id
    from referrals
    join tools
        on tools.child_id = referrals.child_id
        and tools.agency = referrals.agency
        and tools.completed_date >= referrals.referral_date - interval 6 month
        and tools.completed_date <= referrals.referral_date
),

by_month as (
    select
        date_trunc('month', referral_date)::date as month,
        locality,
        agency,
        count(*) filter (
            where referral_id in (select referral_id from tool_first)
        ) as numerator,
        count(*) as denominator
    from referrals
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
