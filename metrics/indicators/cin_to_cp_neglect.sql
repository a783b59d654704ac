-- cin_to_cp_neglect: Neglect CIN plans escalating to CP (%).
-- numerator:   CIN plans of a referral neglect-related by its own record (neglect_flag = Y
--              or an assessment factor 16A; not a CP plan's category, which would let the
--              outcome choose the denominator: int_referrals__classified) with
--              end_date in the rolling 12 months ending E, followed by a CP plan (any
--              category) of the same child starting on or after the CIN plan's start and
--              on or before its end + 7 days.
-- denominator: CIN plans of a neglect-related referral with end_date in the rolling 12
--              months ending E (plans with no end date are not ending).
with

neglect_referrals as (
    select referral_id from int_referrals__classified where is_neglect_by_own_record
),
cin_plans as (
    select * from stg_cin_plans
    where end_date is not null
        and referral_id in (select referral_id from neglect_referrals)
),
cp_plans as (select child_id, start_date from stg_cp_plans),

flagged as (
    select
        cin_plans.*,
        exists (
            select 1 from cp_plans
            where cp_plans.child_id = cin_plans.child_id
                and cp_plans.start_date between cin_plans.start_date and cin_plans.end_date + 7
        ) as escalated
    from cin_plans
),

by_month as (
    select
        date_trunc('month', end_date)::date as month,
        locality,
        null as agency,
        count(*) filter (where escalated) as numerator,
        count(*) as denominator
    from flagged
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
