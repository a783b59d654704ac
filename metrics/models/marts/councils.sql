-- councils: the partnership's councils as the pages name them (seeds/councils.csv): none or
-- one row for a partnership of one council, one per council otherwise.
with

council_list as (select * from stg_councils),

final as (
    select la_code, name from council_list order by la_code
)

select * from final
