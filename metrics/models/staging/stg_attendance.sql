-- School attendance by academic year and term, with the child's locality. Academic
-- year 'YYYY/YY': AUT 1 Sep - 31 Dec of YYYY, SPR 1 Jan - 31 Mar and SUM 1 Apr - 31 Jul
-- of the following year.
with

attendance as (select * from src_attendance),
children as (select * from stg_children),

parsed as (
    select *, try_cast(left(academic_year, 4) as integer) as first_year
    from attendance
),

final as (
    select
        parsed.child_id,
        parsed.academic_year,
        upper(parsed.term) as term,
        case upper(parsed.term)
            when 'AUT' then make_date(first_year, 9, 1)
            when 'SPR' then make_date(first_year + 1, 1, 1)
            when 'SUM' then make_date(first_year + 1, 4, 1)
        end as term_start,
        case upper(parsed.term)
            when 'AUT' then make_date(first_year, 12, 31)
            when 'SPR' then make_date(first_year + 1, 3, 31)
            when 'SUM' then make_date(first_year + 1, 7, 31)
        end as term_end,
        parsed.sessions_possible,
        parsed.sessions_missed,
        coalesce(children.locality, 'Unknown') as locality
    from parsed
    left join children on children.child_id = parsed.child_id
)

select * from final
