-- indicator_breakdowns: each indicator's partnership figure by characteristic (age band,
-- sex, ethnicity, disability) or by tool, one row per indicator x period x dimension x
-- category (All included), with the disclosure-control flag.
-- Primary, as indicator_values: a count (or a rate, broken down as its count) of 1..T, a
-- percentage whose numerator or denominator is 1..T (T = suppression_threshold). True
-- zeros are never suppressed on their own.
-- Secondary, within one indicator, period and dimension: when exactly one category is
-- suppressed and All is not, All minus the others would give it away, so also suppress
-- the unsuppressed category with the smallest non-zero numerator (ties: smallest
-- denominator, then the category's order); where no category with a non-zero numerator
-- is left, a true zero with a denominator (a percentage's) serves instead (spec: the one
-- exception to showing true zeros). Likewise when All is hidden and no category is, the
-- categories' sum would give All away: the smallest non-zero category is hidden too.
-- All is the published partnership figure: hidden here whenever indicator_values hides it
-- (metrics/disclosure.py adds its complements after the build; the runner builds this mart
-- again after that, so it follows the final flag).
-- This model is the only place of the breakdowns' disclosure control, so it can be swapped.
with

filled as (select * from int_indicator_breakdowns__filled),
parameters as (select suppression_threshold as threshold from run_parameters),
published as (
    select indicator_id, period_end, suppressed from indicator_values
    where council = 'All' and locality = 'All' and agency = 'All'
),

primary_suppression as (
    select
        filled.*,
        coalesce(
            filled.numerator between 1 and parameters.threshold
            or (filled.unit = 'percent' and filled.denominator between 1 and parameters.threshold)
            or (filled.category = 'All' and published.suppressed),
            false
        ) as primary_suppressed
    from filled
    cross join parameters
    left join published
        on published.indicator_id = filled.indicator_id
        and published.period_end = filled.period_end
),

groups as (
    select
        indicator_id,
        period_end,
        dimension,
        count(*) filter (where primary_suppressed and category <> 'All') as categories_suppressed,
        bool_or(primary_suppressed) filter (where category = 'All') as all_suppressed
    from primary_suppression
    group by all
),

secondary_candidates as (
    select
        cells.indicator_id,
        cells.period_end,
        cells.dimension,
        cells.category,
        row_number() over (
            partition by cells.indicator_id, cells.period_end, cells.dimension
            order by cells.numerator = 0, cells.numerator, cells.denominator, cells.category_order
        ) as candidate_rank
    from primary_suppression as cells
    join groups
        on groups.indicator_id = cells.indicator_id
        and groups.period_end = cells.period_end
        and groups.dimension = cells.dimension
    where cells.category <> 'All'
        and not cells.primary_suppressed
        and (cells.numerator > 0 or cells.denominator > 0)
        and (
            -- one hidden category and a visible All: All minus the others gives it away
            (groups.categories_suppressed = 1 and not coalesce(groups.all_suppressed, false))
            -- a hidden All and every category visible: their sum gives All away
            or (groups.categories_suppressed = 0 and coalesce(groups.all_suppressed, false))
        )
),

final as (
    select
        cells.indicator_id,
        cells.period_end,
        'All' as council,  -- the partnership's figure (as indicator_values' council column)
        cells.dimension,
        cells.category,
        cells.numerator,
        cells.denominator,
        cells.value,
        cells.primary_suppressed or coalesce(secondary.candidate_rank = 1, false) as suppressed
    from primary_suppression as cells
    left join secondary_candidates as secondary
        on secondary.indicator_id = cells.indicator_id
        and secondary.period_end = cells.period_end
        and secondary.dimension = cells.dimension
        and secondary.category = cells.category
    order by cells.sort_order, cells.period_end, cells.dimension_order, cells.category_order
)

select * from final
