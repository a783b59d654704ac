-- The school terms the attendance extract holds. Academic year 'YYYY/YY': AUT 1 Sep -
-- 31 Dec of YYYY, SPR 1 Jan - 31 Mar and SUM 1 Apr - 31 Jul of the following year.
with

terms as (
    select distinct academic_year, upper(term) as term from src_attendance
),

parsed as (
    select *, try_cast(left(academic_year, 4) as integer) as first_year from terms
),

final as (
    select
        academic_year,
        term,
        case term
            when 'AUT' then make_date(first_year, 9, 1)
            when 'SPR' then make_date(first_year + 1, 1, 1)
            when 'SUM' then make_date(first_year + 1, 4, 1)
        end as term_start,
        case term
            when 'AUT' then make_date(first_year, 12, 31)
            when 'SPR' then make_date(first_year + 1, 3, 31)
            when 'SUM' then make_date(first_year + 1, 7, 31)
        end as term_end
    from parsed
)

select * from final
