-- Children aged 0-17 per locality and period end: the population of the period end's
-- calendar year, else the nearest earlier year for that locality, else its earliest.
-- 'All' is the sum of the localities; 'Unknown' has no population (no row). council: the
-- locality's (int_places); in a partnership of several councils each council's total is
-- (council, 'All'), and the partnership ('All', 'All').
with

localities as (select distinct locality_code, locality_name from seed_localities),
population as (select * from seed_population),

period_ends as (
    select period_end from int_month_ends
    union
    select term_end from int_terms
),

chosen_year as (
    select
        period_ends.period_end,
        localities.locality_code,
        localities.locality_name,
        coalesce(
            max(population.year) filter (where population.year <= year(period_ends.period_end)),
            min(population.year)
        ) as year
    from period_ends
    cross join localities
    left join population on population.locality_code = localities.locality_code
    group by all
),

by_locality as (
    select
        chosen_year.period_end,
        chosen_year.locality_name as locality,
        coalesce(sum(population.population_0_17), 0) as population
    from chosen_year
    left join population
        on population.locality_code = chosen_year.locality_code
        and population.year = chosen_year.year
    group by all
),

placed as (
    select by_locality.period_end, places.council, by_locality.locality, by_locality.population
    from by_locality
    join int_places as places
        on places.locality = by_locality.locality and places.level = 'locality'
),

final as (
    select * from placed
    union all
    select period_end, council, 'All', sum(population) from placed
    where council <> 'All' group by period_end, council
    union all
    select period_end, 'All', 'All', sum(population) from by_locality group by period_end
)

select * from final
