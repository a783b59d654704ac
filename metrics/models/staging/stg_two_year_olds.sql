-- The termly two-year-old lists. The row's own postcode, when given, decides the
-- locality (Unknown when it is malformed or unmatched: no fall-back to the child's);
-- otherwise the child's locality. Term 'YYYY-SPR' ends 31 March, SUM 31 July, AUT 31 December.
with

lists as (select * from src_two_year_olds),
children as (select * from stg_children),
postcodes as (select * from stg_postcodes),

parsed as (
    select
        *,
        try_cast(left(term, 4) as integer) as term_year,
        upper(right(term, 3)) as term_code
    from lists
),

final as (
    select
        parsed.term,
        parsed.child_id,
        parsed.registered,
        case parsed.term_code
            when 'SPR' then make_date(term_year, 1, 1)
            when 'SUM' then make_date(term_year, 4, 1)
            when 'AUT' then make_date(term_year, 9, 1)
        end as term_start,
        case parsed.term_code
            when 'SPR' then make_date(term_year, 3, 31)
            when 'SUM' then make_date(term_year, 7, 31)
            when 'AUT' then make_date(term_year, 12, 31)
        end as term_end,
        case
            when nullif(trim(parsed.postcode), '') is not null
                then coalesce(postcodes.locality, child_councils.unknown_locality, 'Unknown')
            else coalesce(children.locality, child_councils.unknown_locality, 'Unknown')
        end as locality
    from parsed
    left join postcodes on postcodes.postcode = parsed.postcode
    left join children on children.child_id = parsed.child_id
    left join stg_child_councils as child_councils
        on child_councils.child_id = parsed.child_id
)

select * from final
