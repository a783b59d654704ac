-- indicator_values: one row per indicator x period x locality x agency, with the
-- disclosure-control flag.
-- Primary: a count of 1..T, or a rate or percentage whose numerator or denominator is
-- 1..T (T = suppression_threshold). True zeros are never suppressed.
-- Secondary: across the localities (Unknown included, All excluded) of one indicator,
-- period and agency, when exactly one locality is suppressed and All is not, also
-- suppress the unsuppressed locality with the smallest non-zero numerator (ties: smallest
-- denominator, then name), so All minus the others cannot reveal the first.
with

filled as (select * from int_indicator_values__filled),
parameters as (select suppression_threshold as threshold from run_parameters),

primary_suppression as (
    select
        filled.*,
        coalesce(
            filled.numerator between 1 and parameters.threshold
            or (filled.unit <> 'count' and filled.denominator between 1 and parameters.threshold),
            false
        ) as primary_suppressed
    from filled, parameters
),

groups as (
    select
        indicator_id,
        period_end,
        agency,
        count(*) filter (where primary_suppressed and locality <> 'All') as localities_suppressed,
        bool_or(primary_suppressed) filter (where locality = 'All') as all_suppressed
    from primary_suppression
    group by all
),

secondary_candidates as (
    select
        cells.indicator_id,
        cells.period_end,
        cells.agency,
        cells.locality,
        row_number() over (
            partition by cells.indicator_id, cells.period_end, cells.agency
            order by cells.numerator, cells.denominator, cells.locality
        ) as candidate_rank
    from primary_suppression as cells
    join groups
        on groups.indicator_id = cells.indicator_id
        and groups.period_end = cells.period_end
        and groups.agency = cells.agency
    where cells.locality <> 'All'
        and not cells.primary_suppressed
        and cells.numerator > 0
        and groups.localities_suppressed = 1
        and not coalesce(groups.all_suppressed, false)
),

final as (
    select
        cells.indicator_id,
        cells.period_end,
        cells.locality,
        cells.agency,
        cells.numerator,
        cells.denominator,
        cells.value,
        cells.primary_suppressed or coalesce(secondary.candidate_rank = 1, false) as suppressed
    from primary_suppression as cells
    left join secondary_candidates as secondary
        on secondary.indicator_id = cells.indicator_id
        and secondary.period_end = cells.period_end
        and secondary.agency = cells.agency
        and secondary.locality = cells.locality
    order by cells.sort_order, cells.period_end, cells.locality, cells.agency
)

select * from final
