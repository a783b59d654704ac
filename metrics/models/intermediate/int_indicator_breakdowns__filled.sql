-- Every breakdown of every indicator on its full grid, zero-filled: the indicator's published
-- periods x each dimension of its breakdowns (catalogue `breakdowns`: characteristics gives
-- age_band, sex, ethnicity and disability; tool gives tool) x every category of the
-- dimension, and the category All (the published partnership figure: locality All, agency
-- All). The categories of a dimension are complete ("Not known" included), so they sum to
-- All. Partnership level only (locality All, agency All: the counts of every agency summed,
-- as the published All is).
-- Units: a percentage keeps its numerator and denominator per category; a rate is broken
-- down as its count (the seeds hold no population by age, sex, ethnicity or disability to
-- divide by), like a count: denominator NULL, value = the count.
with

catalogue as (select * from indicator_catalogue),
cells as (select * from indicator_breakdown_cells),
published as (
    select * from int_indicator_values__filled
    where council = 'All' and locality = 'All' and agency = 'All'
),
tools as (select distinct tool from stg_neglect_tools),

-- the characteristics key is sex | ethnicity | disability | age band (breakdowns/characteristics.sql)
dimensions as (
    select * from (values
        ('characteristics', 'age_band', 1, 4),
        ('characteristics', 'sex', 2, 1),
        ('characteristics', 'ethnicity', 3, 2),
        ('characteristics', 'disability', 4, 3),
        ('tool', 'tool', 5, 1)
    ) as dimensions (kind, dimension, dimension_order, key_part)
),

categories as (
    select * from (values
        ('age_band', 'Unborn', 1), ('age_band', 'Under 1', 2), ('age_band', '1-4', 3),
        ('age_band', '5-9', 4), ('age_band', '10-15', 5), ('age_band', '16-17', 6),
        ('age_band', '18 and over', 7), ('age_band', 'Not known', 8),
        ('sex', 'Female', 1), ('sex', 'Male', 2), ('sex', 'Not known', 3),
        ('ethnicity', 'White', 1), ('ethnicity', 'Mixed', 2),
        ('ethnicity', 'Asian or Asian British', 3), ('ethnicity', 'Black or Black British', 4),
        ('ethnicity', 'Other ethnic group', 5), ('ethnicity', 'Not known', 6),
        ('disability', 'Disabled', 1), ('disability', 'Not disabled', 2),
        ('disability', 'Not known', 3)
    ) as categories (dimension, category, category_order)
    union all
    select 'tool', tool, row_number() over (order by tool) from tools
),

indicator_dimensions as (
    select catalogue.indicator_id, catalogue.unit, catalogue.sort_order, dimensions.*
    from catalogue
    join dimensions on list_contains(string_split(catalogue.breakdowns, ','), dimensions.kind)
),

counted as (
    select
        cells.indicator_id,
        cells.period_end,
        dimensions.dimension,
        split_part(cells.category_key, '|', dimensions.key_part) as category,
        sum(cells.numerator) as numerator,
        sum(cells.denominator) as denominator
    from cells
    join dimensions on dimensions.kind = cells.kind
    group by all
),

-- each indicator's published periods x its dimensions, with the published figure (All)
periods as (
    select
        indicator_dimensions.indicator_id,
        indicator_dimensions.unit,
        indicator_dimensions.sort_order,
        published.period_end,
        indicator_dimensions.dimension,
        indicator_dimensions.dimension_order,
        published.numerator as all_numerator,
        published.denominator as all_denominator
    from indicator_dimensions
    join published on published.indicator_id = indicator_dimensions.indicator_id
),

by_category as (
    select
        periods.* exclude (all_numerator, all_denominator),
        categories.category,
        categories.category_order,
        coalesce(counted.numerator, 0)::bigint as numerator,
        case when periods.unit = 'percent' then coalesce(counted.denominator, 0) end::double
            as denominator
    from periods
    join categories on categories.dimension = periods.dimension
    left join counted
        on counted.indicator_id = periods.indicator_id
        and counted.period_end = periods.period_end
        and counted.dimension = periods.dimension
        and counted.category = categories.category
),

all_category as (
    select
        periods.* exclude (all_numerator, all_denominator),
        'All' as category,
        0 as category_order,
        periods.all_numerator as numerator,
        case when periods.unit = 'percent' then periods.all_denominator end::double
            as denominator
    from periods
),

final as (
    select
        *,
        case
            when unit <> 'percent' then numerator::double
            when denominator = 0 then null
            else numerator / denominator * 100
        end as value
    from (select * from by_category union all by name select * from all_category)
)

select * from final
