-- Step-downs from social care to early help: referrals closed with RC9, or closed with
-- RC7 where an early help episode of the same child (any source) starts from 7 days
-- before to 28 days after the closure date, both ends included.
with

referrals as (select * from stg_referrals where closure_date is not null),
early_help as (select child_id, start_date from stg_early_help),

final as (
    select
        referrals.referral_id,
        referrals.child_id,
        referrals.closure_date,
        referrals.closure_reason,
        referrals.locality
    from referrals
    where referrals.closure_reason = 'RC9'
        or (
            referrals.closure_reason = 'RC7'
            and exists (
                select 1 from early_help
                where early_help.child_id = referrals.child_id
                    and early_help.start_date between referrals.closure_date - 7
                                                 and referrals.closure_date + 28
            )
        )
)

select * from final
