-- indicator_monthly: the series each monthly indicator's SPC chart uses, for the
-- partnership (council All, locality All, agency All), one row per published month end
-- (council: always 'All', for uniformity with indicator_values).
-- in_month: a rolling-12-month indicator's own month — its definition over the month of E
--           alone (ind_<id>__in_month, built by the runner from the indicator's file), e.g.
--           re-referrals among the referrals made in that month. Neighbouring rolling
--           values share 11 of 12 months, so they must not be charted as an XmR series.
-- snapshot: a month-end count (children on a plan at E) is its own monthly value.
-- Termly indicators have too few points for SPC and are not here. Disclosure control:
-- the primary rule of indicator_values (numerator or denominator 1..T).
with

catalogue as (select * from indicator_catalogue where spc_series is not null),
month_cells as (select * from indicator_month_cells),
population as (select * from int_population where council = 'All' and locality = 'All'),
parameters as (select suppression_threshold as threshold from run_parameters),

published as (
    select indicator_id, period_end, numerator, denominator, value
    from indicator_values
    where council = 'All' and locality = 'All' and agency = 'All'
),

in_month_totals as (
    select indicator_id, period_end, sum(numerator) as numerator,
           sum(denominator) as denominator
    from month_cells
    group by all
),

in_month as (
    select
        published.indicator_id,
        published.period_end,
        'in_month' as series,
        coalesce(totals.numerator, 0)::bigint as numerator,
        case catalogue.unit
            when 'count' then null
            when 'rate' then coalesce(population.population, 0)
            else coalesce(totals.denominator, 0)
        end::double as denominator,
        catalogue.unit
    from published
    join catalogue using (indicator_id)
    left join in_month_totals as totals
        on totals.indicator_id = published.indicator_id
        and totals.period_end = published.period_end
    left join population on population.period_end = published.period_end
    where catalogue.spc_series = 'in_month'
),

snapshots as (
    select
        published.indicator_id,
        published.period_end,
        'snapshot' as series,
        published.numerator,
        published.denominator,
        catalogue.unit
    from published
    join catalogue using (indicator_id)
    where catalogue.spc_series = 'snapshot'
),

series as (
    select * from in_month
    union all
    select * from snapshots
),

final as (
    select
        series.indicator_id,
        series.period_end,
        'All' as council,
        series.series,
        series.numerator,
        series.denominator,
        case
            when series.unit = 'count' then series.numerator::double
            when series.denominator = 0 then null
            when series.unit = 'rate' then series.numerator / series.denominator * 10000
            else series.numerator / series.denominator * 100
        end as value,
        coalesce(
            series.numerator between 1 and parameters.threshold
            or (series.unit <> 'count' and series.denominator between 1 and parameters.threshold),
            false
        ) as suppressed
    from series, parameters
    order by series.indicator_id, series.period_end
)

select * from final
