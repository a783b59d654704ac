-- The places indicator values are published for: (council, locality).
-- One council: council 'All', every seed locality, 'Unknown' and 'All' (as ever).
-- Several councils (seeds/councils.csv): the partnership ('All', 'All'); each council's total
-- (council, 'All'); each locality of a council (council, locality) and the council's
-- 'Unknown (<council>)'. No ('All', <locality>) rows. level: partnership | council | locality.
with

council_list as (select * from stg_councils),
partnership as (select count(*) > 1 as several from council_list),

localities as (
    select distinct
        if(partnership.several, council_list.name, 'All') as council,
        localities.locality_name as locality
    from seed_localities as localities
    cross join partnership
    left join council_list on council_list.la_code = localities.la_code
    where localities.locality_name is not null
        and (not partnership.several or council_list.name is not null)
),

unknowns as (
    select 'All' as council, 'Unknown' as locality from partnership where not several
    union all
    select council_list.name, council_list.unknown_locality
    from council_list cross join partnership where partnership.several
),

final as (
    select council, locality, 'locality' as level from localities
    union all
    select council, locality, 'locality' from unknowns
    union all
    select council_list.name, 'All', 'council' from council_list cross join partnership
    where partnership.several
    union all
    select 'All', 'All', 'partnership'
)

select * from final
