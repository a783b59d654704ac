-- Every indicator on its full grid, zero-filled, with denominators and values.
-- Grid: each indicator's periods (month ends, or its extract's terms) x every locality
-- (seed localities by name, Unknown, All) x agency (All; plus every seed agency for
-- locality_agency indicators). All = the sum over localities / agencies (a record whose
-- agency no seed lists counts only in agency All). Rates divide by the locality's
-- children 0-17 (also on agency rows; Unknown: 0, value NULL); counts have no
-- denominator and their value is the count; percentages are 0-100.
-- Councils (int_places): one council is council 'All' throughout. In a partnership of
-- several, each locality's council (seeds) is a level between it and the partnership: the
-- grid is (council, locality) of int_places, and a council's row (council, 'All') sums its
-- localities (its Unknown included).
with

catalogue as (select * from indicator_catalogue),
cells as (select * from indicator_cells),
population as (select * from int_population),

places as (select * from int_places),

periods as (
    -- an indicator that looks back before its window (spec "Month end": rereferral 12
    -- months, cp_repeat_2y the repeat-plan window, step_down_sustained a window six months
    -- earlier) has no row for the month ends whose look-back reaches before the earliest
    -- data: those months are "not computed", not zero
    -- (and an indicator one of whose extracts was not delivered has no row at all)
    select catalogue.indicator_id, month_ends.period_end
    from catalogue
    cross join int_month_ends as month_ends
    cross join int_run_dates as run_dates
    where catalogue.frequency = 'monthly'
        and month_ends.window_start - to_months(catalogue.look_back_months)
            >= run_dates.first_window_start
        and catalogue.indicator_id not in (
            select indicator_id from indicator_extracts where not delivered
        )
    union all
    select catalogue.indicator_id, terms.term_end
    from catalogue
    join int_terms as terms on terms.extract = catalogue.term_source
    where catalogue.frequency = 'termly'
),

agencies as (
    select indicator_id, 'All' as agency from catalogue
    union all
    select catalogue.indicator_id, seed.agency_code
    from catalogue
    cross join (
        select distinct agency_code from seed_agencies where agency_code is not null
    ) as seed
    where catalogue.breakdown = 'locality_agency'
),

grid as (
    select periods.indicator_id, periods.period_end, places.council, places.locality,
           agencies.agency
    from periods
    cross join places
    join agencies on agencies.indicator_id = periods.indicator_id
),

placed_cells as (
    select cells.*, coalesce(places.council, 'All') as council
    from cells
    left join places on places.locality = cells.locality and places.level = 'locality'
),

rolled_up as (
    select
        indicator_id,
        period_end,
        if(grouping(council) = 1, 'All', council) as council,
        if(grouping(locality) = 1, 'All', locality) as locality,
        if(grouping(agency) = 1, 'All', agency) as agency,
        grouping(council) = 0 and grouping(locality) = 1 as council_total,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from placed_cells
    group by grouping sets (
        (indicator_id, period_end, council, locality, agency),
        (indicator_id, period_end, council, locality),
        (indicator_id, period_end, council, agency),
        (indicator_id, period_end, council),
        (indicator_id, period_end, agency),
        (indicator_id, period_end)
    )
),

filled as (
    select
        grid.indicator_id,
        grid.period_end,
        grid.council,
        grid.locality,
        grid.agency,
        catalogue.unit,
        catalogue.sort_order,
        coalesce(rolled_up.numerator, 0)::bigint as numerator,
        case catalogue.unit
            when 'count' then null
            when 'rate' then coalesce(population.population, 0)
            else coalesce(rolled_up.denominator, 0)
        end::double as denominator
    from grid
    join catalogue on catalogue.indicator_id = grid.indicator_id
    left join rolled_up
        on rolled_up.indicator_id = grid.indicator_id
        and rolled_up.period_end = grid.period_end
        and rolled_up.council = grid.council
        and rolled_up.locality = grid.locality
        and rolled_up.agency = grid.agency
        -- a council's total, once: with one council every cell is council 'All', whose
        -- total is the partnership's own row
        and (not rolled_up.council_total or rolled_up.council <> 'All')
    left join population
        on population.period_end = grid.period_end
        and population.council = grid.council
        and population.locality = grid.locality
),

final as (
    select
        *,
        case
            when unit = 'count' then numerator::double
            when denominator = 0 then null
            when unit = 'rate' then numerator / denominator * 10000
            else numerator / denominator * 100
        end as value
    from filled
)

select * from final
