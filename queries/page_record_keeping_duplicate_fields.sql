-- purpose: fields collected by more than one ledger in use on the last day of the window (the repeated
--          collection that duplicate_fields counts), with the ledgers that collect each
-- parameters: $end_exclusive
-- grain: one row per repeated field
with in_use as (
    -- the ledger rows covering the day: one validity period [valid_from, valid_to) with status active
    select ledger_id, name, fields
    from ledgers
    where status = 'active'
        and valid_from <= ($end_exclusive - interval 1 day)::date
        and (valid_to is null or valid_to > ($end_exclusive - interval 1 day)::date)
),

occurrences as (
    select ledger_id, name, lower(trim(unnest(fields))) as field
    from in_use
),

final as (
    select
        field,
        count(distinct ledger_id) as ledgers,
        string_agg(distinct name, '、' order by name) as ledger_names
    from occurrences
    group by field
    having count(*) > 1
)

select * from final
order by ledgers desc, field asc
