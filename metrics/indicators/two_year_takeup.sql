-- two_year_takeup: Two-year-old offer take-up (%, termly).
-- Periods: every term on the list whose end is on or before the as-at date.
-- numerator:   children (each once) on the term's list with registered = Y.
-- denominator: children (each once) on the term's list.
-- locality:    the row's postcode when given (Unknown if unmatched), else the child's.
with

lists as (select * from stg_two_year_olds),
terms as (select * from int_terms where extract = 'two_year_olds'),

final as (
    select
        terms.term_end as period_end,
        lists.locality,
        null as agency,
        count(distinct lists.child_id) filter (where lists.registered) as numerator,
        count(distinct lists.child_id) as denominator
    from lists
    join terms on terms.term_end = lists.term_end
    group by all
)

select * from final
