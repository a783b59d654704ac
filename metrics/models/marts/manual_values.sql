-- manual_values: the published figures of the manual measures (seeds/manual_measures.csv),
-- one row per measure, period, locality and agency as supplied, with source, owner and note.
-- Disclosure control: a percentage or rate whose numerator or denominator is 1..T (a handful
-- of audited cases or responses) is suppressed, as indicator_values does; counts of
-- sessions held or staff trained are not counts of children and are shown as entered.
-- council: the locality's (int_places; 'All' for locality All and for one council).
with

entered as (select * from stg_manual_measures),
measures as (select * from seed_manual_measures),
parameters as (select suppression_threshold as threshold from run_parameters),

final as (
    select
        entered.measure_id,
        entered.period_end,
        coalesce(places.council, 'All') as council,
        entered.locality,
        entered.agency,
        entered.numerator,
        entered.denominator,
        entered.value,
        coalesce(
            lower(measures.unit) <> 'count'
            and (entered.numerator between 1 and parameters.threshold
                 or entered.denominator between 1 and parameters.threshold),
            false
        ) as suppressed,
        entered.source,
        entered.owner,
        entered.note
    from entered
    join measures on measures.id = entered.measure_id
    cross join parameters
    left join int_places as places
        on places.locality = entered.locality and places.level = 'locality'
    order by entered.measure_id, entered.period_end, entered.locality, entered.agency
)

select * from final
