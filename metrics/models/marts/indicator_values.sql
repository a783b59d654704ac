-- indicator_values: one row per indicator x period x council x locality x agency, with the
-- disclosure-control flag (council 'All' only for a partnership of one council).
-- A council's cells are primary-suppressed by the same rule as a locality's.
-- Here, the primary rule: a count of 1..T, or a rate or percentage whose numerator or
-- denominator is 1..T (T = suppression_threshold). True zeros are not primary.
-- The complementary cells (so that no hidden cell can be worked out across localities,
-- agencies, indicators sharing a count, or time) are added after the build by
-- metrics/disclosure.py, which needs graph search, not a query.
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

final as (
    select
        cells.indicator_id,
        cells.period_end,
        cells.council,
        cells.locality,
        cells.agency,
        cells.numerator,
        cells.denominator,
        cells.value,
        cells.primary_suppressed as suppressed
    from primary_suppression as cells
    order by cells.sort_order, cells.period_end, cells.council, cells.locality, cells.agency
)

select * from final
