-- Referrals (int_referrals__classified) flagged as re-referrals: the child had another
-- referral p, of any kind, with d - 12 months <= p < d (d = this referral's date; calendar
-- months, 2024-02-29 - 12 months = 2023-02-28; a referral on the same day is not one).
-- The rule rereferral and rereferral_neglect share (DfE C1).
with

referrals as (select * from int_referrals__classified),

with_previous as (
    -- the child's latest referral strictly before this one
    select referrals.*, earlier.referral_date as previous_referral_date
    from referrals
    asof left join referrals as earlier
        on earlier.child_id = referrals.child_id
        and earlier.referral_date < referrals.referral_date
),

final as (
    select
        *,
        coalesce(previous_referral_date >= referral_date - interval 12 month, false)
            as is_rereferral
    from with_previous
)

select * from final
