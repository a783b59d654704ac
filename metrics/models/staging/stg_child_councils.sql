-- Each child's council, as the files it came in tell (pipelines/ingest/councils.py; only in a
-- partnership of several councils, where the council code is part of every id), and the
-- locality a child of that council without a (matched) postcode is in.
with

child_councils as (select * from land_child_councils),
council_list as (select * from stg_councils),

final as (
    select
        child_councils.child_id,
        any_value(council_list.unknown_locality) as unknown_locality
    from child_councils
    join council_list on council_list.la_code = child_councils.la_code
    group by child_councils.child_id
)

select * from final
