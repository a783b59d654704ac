-- One row per child of the children extract with the characteristics the "Who" breakdowns
-- use: sex, ethnicity in the DfE's major groups, disability, and the dates the age band is
-- worked out from (breakdowns/characteristics.sql, at each record's own date).
-- Ethnicity groups follow the DfE's children in need and looked-after statistics: the
-- Gypsy / Roma and Irish Traveller codes are White; Chinese (CHNE) is with "Other ethnic
-- group" as in the SSDA903 and CIN census guidance; refused (REFU), not obtained (NOBT)
-- and blank are "Not known". A child with no children row (attendance may name one) is
-- "Not known" on every dimension, through the left join that reads this model.
with

children as (select * from stg_children),

ethnicity_groups as (
    select * from (values
        ('WBRI', 'White'), ('WIRI', 'White'), ('WIRT', 'White'), ('WOTH', 'White'),
        ('WROM', 'White'),
        ('MWBC', 'Mixed'), ('MWBA', 'Mixed'), ('MWAS', 'Mixed'), ('MOTH', 'Mixed'),
        ('AIND', 'Asian or Asian British'), ('APKN', 'Asian or Asian British'),
        ('ABAN', 'Asian or Asian British'), ('AOTH', 'Asian or Asian British'),
        ('BCRB', 'Black or Black British'), ('BAFR', 'Black or Black British'),
        ('BOTH', 'Black or Black British'),
        ('CHNE', 'Other ethnic group'), ('OOTH', 'Other ethnic group')
    ) as codes (ethnicity, ethnicity_group)
),

final as (
    select
        -- ids
        children.child_id,
        -- dates the age band is worked out from
        children.date_of_birth,
        children.expected_date_of_birth,
        -- characteristics, as the breakdowns name them
        case children.sex when 'M' then 'Male' when 'F' then 'Female' else 'Not known' end
            as sex,
        coalesce(ethnicity_groups.ethnicity_group, 'Not known') as ethnicity,
        case children.disability when true then 'Disabled' when false then 'Not disabled'
            else 'Not known' end as disability
    from children
    left join ethnicity_groups on ethnicity_groups.ethnicity = children.ethnicity
)

select * from final
