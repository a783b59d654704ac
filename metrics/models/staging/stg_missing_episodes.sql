-- Missing (M) and away (A) episodes of looked-after children, with the child's locality.
with

episodes as (select * from src_missing_episodes),
children as (select * from stg_children),

final as (
    select
        -- ids
        episodes.child_id,
        -- dates
        episodes.start_date,
        episodes.end_date,
        -- details
        episodes.kind,
        -- place
        coalesce(children.locality, child_councils.unknown_locality, 'Unknown') as locality
    from episodes
    left join children on children.child_id = episodes.child_id
    left join stg_child_councils as child_councils
        on child_councils.child_id = episodes.child_id
)

select * from final
