-- cp_reviews_timely: CP plans reviewed on time (%).
-- numerator:   children of the denominator all of whose eligible plans were reviewed on
--              time up to E: the first review on or before start_date + 3 months, each later
--              review on or before the previous review + 6 months (calendar months, as
--              cp_long: a review exactly on start_date + 3 months is on time), every review
--              of the plan's history up to E on time, and none overdue at E (the last review
--              up to E, or the start when there is none, plus its interval, is >= E).
-- denominator: children (each once) with a CP plan open at E (start_date <= E and end_date
--              blank or > E) that started on or before E - 3 months. A child with two such
--              plans counts once, on time only if both are. A plan's reviews are its own
--              (cp_plan_id).
-- Not computed (no rows) when cp_reviews or cp_plans was not delivered (catalogue extracts).
with

plans as (select * from stg_cp_plans),
reviews as (select * from stg_cp_reviews),

-- each review with the date it was due: 3 months after the start for the first, else 6
-- months after the review before
sequenced as (
    select
        reviews.cp_plan_id,
        reviews.review_date,
        coalesce(
            lag(reviews.review_date) over (
                partition by reviews.cp_plan_id order by reviews.review_date
            ) + interval 6 month,
            plans.start_date + interval 3 month
        )::date as due_date
    from reviews
    join plans on plans.cp_plan_id = reviews.cp_plan_id
),

-- the first review held late: from then on the plan has not been reviewed on time
first_late as (
    select cp_plan_id, min(review_date) as first_late_date
    from sequenced
    where review_date > due_date
    group by all
),

open_at_month_end as (
    select period_end, cp_plan_id, child_id, locality, start_date
    from open_at_month_ends(plans)
),

eligible as (
    select * from open_at_month_end
    where start_date <= (period_end - interval 3 month)::date
),

-- the last review up to E of each eligible plan
judged as (
    select
        eligible.period_end,
        eligible.child_id,
        eligible.locality,
        coalesce(first_late.first_late_date > eligible.period_end, true)
            and case
                when last_review.review_date is null
                    then (eligible.start_date + interval 3 month)::date >= eligible.period_end
                else (last_review.review_date + interval 6 month)::date >= eligible.period_end
            end as on_time
    from eligible
    asof left join sequenced as last_review
        on last_review.cp_plan_id = eligible.cp_plan_id
        and last_review.review_date <= eligible.period_end
    left join first_late on first_late.cp_plan_id = eligible.cp_plan_id
),

children as (
    select period_end, locality, child_id, bool_and(on_time) as on_time
    from judged
    group by all
),

final as (
    select
        period_end,
        locality,
        null as agency,
        count(*) filter (where on_time) as numerator,
        count(*) as denominator
    from children
    group by all
)

select * from final
