-- Every postcode the extracts carry, normalised and placed in a locality (seeds lookup).
-- Normalised: upper case, one space before the last three characters; an outward code
-- alone stays as it is. A seed prefix is an outward code (NS1, matches NS1 4AB but not
-- NS14 1AB) or a sector (NS1 4); the sector wins. Blank, malformed or unmatched -> NULL
-- locality (the extract models turn that into 'Unknown').
with

children_postcodes as (select postcode from src_children),
two_year_postcodes as (select postcode from src_two_year_olds),
localities as (select * from seed_localities),

seen as (
    select distinct postcode from (
        select * from children_postcodes union all select * from two_year_postcodes
    )
    where postcode is not null
),

compacted as (
    select postcode, upper(regexp_replace(postcode, '\s', '', 'g')) as compact
    from seen
),

normalised as (
    select
        postcode,
        case
            when regexp_full_match(compact, '[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}')
                then compact[:-4] || ' ' || compact[-3:]
            when regexp_full_match(compact, '[A-Z]{1,2}[0-9][A-Z0-9]?')
                then compact
        end as postcode_normalised
    from compacted
),

parts as (
    select
        postcode,
        postcode_normalised,
        split_part(postcode_normalised, ' ', 1) as outward,
        -- the sector: outward code, space, first digit of the inward code
        case when contains(postcode_normalised, ' ') then postcode_normalised[:-3] end as sector
    from normalised
),

-- seed prefixes normalised the same way; a prefix listed twice keeps its first row
prefixes as (
    select
        regexp_replace(upper(trim(p.postcode_prefix)), '\s+', ' ', 'g') as prefix,
        arg_min(l.locality_name, p.rowid) as locality
    from seed_postcode_localities as p
    join localities as l on l.locality_code = p.locality_code
    where p.postcode_prefix is not null
    group by 1
),

final as (
    select
        parts.postcode,
        parts.postcode_normalised,
        coalesce(by_sector.locality, by_outward.locality) as locality
    from parts
    left join prefixes as by_sector on by_sector.prefix = parts.sector
    left join prefixes as by_outward on by_outward.prefix = parts.outward
)

select * from final
