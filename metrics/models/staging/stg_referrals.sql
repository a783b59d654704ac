-- Referrals with the child's locality (Unknown when the child has no children row).
with

referrals as (select * from src_referrals),
children as (select * from stg_children),

final as (
    select
        -- ids
        referrals.referral_id,
        referrals.child_id,
        -- dates
        referrals.referral_date,
        referrals.closure_date,
        -- codes
        upper(trim(referrals.referral_source)) as referral_source,
        referrals.primary_need,
        referrals.closure_reason,
        -- flags
        coalesce(referrals.referral_nfa, false) as referral_nfa,
        coalesce(referrals.neglect_flag, false) as neglect_flag,
        -- place
        coalesce(children.locality, child_councils.unknown_locality, 'Unknown') as locality
    from referrals
    left join children on children.child_id = referrals.child_id
    left join stg_child_councils as child_councils
        on child_councils.child_id = referrals.child_id
)

select * from final
