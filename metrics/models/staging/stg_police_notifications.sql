-- Police notifications concerning children, with the child's locality.
with

notifications as (select * from src_police_notifications),
children as (select * from stg_children),

final as (
    select
        -- ids
        notifications.notification_id,
        notifications.child_id,
        -- dates
        notifications.incident_date,
        notifications.school_notified_date,
        -- details
        notifications.kind,
        -- place
        coalesce(children.locality, child_councils.unknown_locality, 'Unknown') as locality
    from notifications
    left join children on children.child_id = notifications.child_id
    left join stg_child_councils as child_councils
        on child_councils.child_id = notifications.child_id
)

select * from final
