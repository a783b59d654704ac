-- Child protection review conferences: one row per plan and review date.
with

reviews as (select * from src_cp_reviews),

final as (
    select distinct
        reviews.cp_plan_id,
        reviews.review_date
    from reviews
)

select * from final
