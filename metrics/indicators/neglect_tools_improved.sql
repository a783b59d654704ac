-- neglect_tools_improved: Rescores showing improvement (%).
-- A rescore is any later assessment of the same child with the same tool; it is compared
-- with the assessment immediately before it (same child and tool, ordered by
-- completed_date then tool_assessment_id). If either overall_grade is blank the rescore
-- is left out of both numerator and denominator.
-- numerator:   rescores completed in the rolling 12 months ending E whose overall_grade is
--              lower (better) than the previous assessment's.
-- denominator: rescores completed in the rolling 12 months ending E with both grades.
-- agency:      the rescore's agency.
with

tools as (select * from stg_neglect_tools),

sequenced as (
    select
        *,
        row_number() over by_child_tool as assessment_number,
        lag(overall_grade) over by_child_tool as previous_grade
    from tools
    window by_child_tool as (partition by child_id, tool order by completed_date, tool_assessment_id)
),

rescores as (
    select *
    from sequenced
    where assessment_number > 1
        and overall_grade is not null
        and previous_grade is not null
),

by_month as (
    select
        date_trunc('month', completed_date)::date as month,
        locality,
        agency,
        count(*) filter (where overall_grade < previous_grade) as numerator,
        count(*) as denominator
    from rescores
    group by all
),

final as (select * from rolling_12_months(by_month))

select * from final
