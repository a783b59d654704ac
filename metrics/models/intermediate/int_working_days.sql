-- A calendar over every assessment date with a running count of working days (not
-- Saturday, Sunday or a bank holiday). Working days from a start to an end date, the
-- start day not counted, = working_days_to_date(end) - working_days_to_date(start).
-- Also over every section 47 enquiry's dates, with 60 days after the last start (an
-- initial conference's default target is 15 working days after the start).
with

assessments as (select * from stg_assessments),
enquiries as (select * from stg_s47_enquiries),
bank_holidays as (select date from seed_bank_holidays where date is not null),

spans as (
    select
        least(min(start_date), min(authorised_date)) as first_day,
        greatest(max(start_date), max(authorised_date)) as last_day
    from assessments
    union all
    select
        least(min(start_date), min(icpc_date), min(icpc_target_date)),
        greatest(max(start_date) + 60, max(icpc_date), max(icpc_target_date))
    from enquiries
),

bounds as (
    select min(first_day) as first_day, max(last_day) as last_day from spans
),

calendar as (
    select unnest(generate_series(first_day, last_day, interval 1 day))::date as date
    from bounds
),

flagged as (
    select
        date,
        isodow(date) <= 5 and date not in (select date from bank_holidays) as is_working_day
    from calendar
),

final as (
    select
        date,
        is_working_day,
        sum(is_working_day::integer) over (order by date) as working_days_to_date
    from flagged
)

select * from final
