-- Periods of care with the child's locality.
with

periods as (select * from src_looked_after),
children as (select * from stg_children),

final as (
    select
        periods.period_id,
        periods.child_id,
        periods.start_date,
        periods.end_date,
        periods.category_of_need,
        -- a start of care (blank: yes); N: already looked after when the data begin
        coalesce(periods.starts_care, true) as starts_care,
        coalesce(children.locality, child_councils.unknown_locality, 'Unknown') as locality
    from periods
    left join children on children.child_id = periods.child_id
    left join stg_child_councils as child_councils
        on child_councils.child_id = periods.child_id
)

select * from final
