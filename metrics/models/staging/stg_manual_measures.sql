-- One row per entered figure of a declared manual measure (audits, surveys, training counts),
-- as its owner supplied it: no All is made by summing (a survey's total is not the sum of its
-- parts), no grid is filled. Ingest has already quarantined a row of an undeclared measure or
-- whose value disagrees with its numerator and denominator.
-- value: computed from numerator and denominator when both are given (a count: the
-- numerator), else as given. period_end: the month end of the date given. agency: a seed
-- agency code, or All; locality: a seed locality name (any case), or All.
with

entered as (select * from src_manual_measures),
measures as (select * from seed_manual_measures),
localities as (select distinct locality_name from seed_localities),

final as (
    select
        -- ids
        entered.measure_id,
        last_day(entered.period_end) as period_end,
        -- where
        case when entered.agency = 'ALL' then 'All' else entered.agency end as agency,
        case
            when lower(entered.locality) = 'all' then 'All'
            else coalesce(localities.locality_name, entered.locality)
        end as locality,
        -- figures
        entered.numerator,
        entered.denominator,
        case
            when lower(measures.unit) = 'count' and entered.numerator is not null
                then entered.numerator
            when entered.numerator is not null and entered.denominator > 0
                then entered.numerator / entered.denominator
                    * case lower(measures.unit) when 'percent' then 100 when 'rate' then 10000
                      else 1 end
            else entered.value
        end as value,
        -- provenance
        entered.source,
        entered.owner,
        entered.note
    from entered
    join measures on measures.id = entered.measure_id
    left join localities on lower(localities.locality_name) = lower(entered.locality)
)

select * from final
