-- The rows of {source} with `locality` replaced by the child's characteristics, so that an
-- indicator's own SQL, run over them, counts by characteristic instead of by locality
-- (metrics/runner.py builds ind_<id>__by_characteristics this way; catalogue
-- `breakdowns.characteristics` names the source and the date the age is taken at: the
-- month or term end for a snapshot, the record's own date for an event).
-- The key is sex | ethnicity group | disability | age band; int_indicator_breakdowns__filled
-- splits it into the four dimensions.
-- Age: whole years on {age_at} (a child is a year older on the birthday itself; one born on
-- 29 February in a year without one on 1 March). Unborn: {age_at} before the date of
-- birth, or no date of birth and before the expected date of birth. Not known: no date of
-- birth (and the expected date passed or blank).
-- Bands as the DfE publishes them (children in need, CP plans): unborn, under 1, 1-4, 5-9,
-- 10-15, 16-17 (then 18 and over, not known).
select
    aged.* exclude (locality, breakdown_sex, breakdown_ethnicity, breakdown_disability,
                    breakdown_born, breakdown_age),
    concat_ws('|',
        breakdown_sex,
        breakdown_ethnicity,
        breakdown_disability,
        case
            when breakdown_born is null then 'Not known'
            when not breakdown_born then 'Unborn'
            when breakdown_age < 1 then 'Under 1'
            when breakdown_age < 5 then '1-4'
            when breakdown_age < 10 then '5-9'
            when breakdown_age < 16 then '10-15'
            when breakdown_age < 18 then '16-17'
            else '18 and over'
        end
    ) as locality
from (
    select
        source.*,
        coalesce(child.sex, 'Not known') as breakdown_sex,
        coalesce(child.ethnicity, 'Not known') as breakdown_ethnicity,
        coalesce(child.disability, 'Not known') as breakdown_disability,
        -- born by {age_at}: true, false (unborn) or null (not known)
        case
            when child.date_of_birth is not null then source.{age_at} >= child.date_of_birth
            when source.{age_at} < child.expected_date_of_birth then false
        end as breakdown_born,
        year(source.{age_at}) - year(child.date_of_birth)
            - (month(source.{age_at}) * 100 + day(source.{age_at})
               < month(child.date_of_birth) * 100 + day(child.date_of_birth))::int
            as breakdown_age
    from {source} as source
    left join int_child_characteristics as child on child.child_id = source.child_id
) as aged
