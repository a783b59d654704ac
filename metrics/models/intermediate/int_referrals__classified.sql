-- Referrals with their agency and whether they are neglect-related.
-- Neglect-related: neglect_flag = Y, or any of its assessments with factor 16A, or any
-- CP plan with that referral_id whose initial or latest category is NEG.
-- Neglect by its own record (is_neglect_by_own_record): neglect_flag = Y or a 16A
-- factor only, not a plan's category (cin_to_cp_neglect: the outcome must not choose
-- the denominator).
-- Agency: the first agency listing the referral source; NULL (agency 'All' only) if none.
with

referrals as (select * from stg_referrals),
source_agencies as (select * from int_referral_source_agencies),

neglect_assessments as (
    select distinct referral_id from stg_assessments where has_neglect_factor
),

neglect_plans as (
    select distinct referral_id from stg_cp_plans
    where initial_category = 'NEG' or latest_category = 'NEG'
),

final as (
    select
        referrals.*,
        source_agencies.agency,
        (
            referrals.neglect_flag
            or referrals.referral_id in (select referral_id from neglect_assessments)
            or referrals.referral_id in (select referral_id from neglect_plans)
        ) as is_neglect_related,
        (
            referrals.neglect_flag
            or referrals.referral_id in (select referral_id from neglect_assessments)
        ) as is_neglect_by_own_record
    from referrals
    left join source_agencies on source_agencies.referral_source = referrals.referral_source
)

select * from final
