-- purpose: 台账 KPIs at the last day of each period against the baseline date: ledgers in use, yearly
--          record-keeping hours and their change split into programme change (abolished / merged / digitised
--          / added) and re-estimate, and the share of repeated fields
-- parameters: $periods (list of {period_key, period_start, period_end, as_of}, one per period; the
--             day measured is the day before as-of); $baseline_date (the reference day, end of the baseline
--             period); $by (only 'all': ledgers belong to the street, not to a grid or team)
-- grain: one row per period_key; KPI columns named <kpi_id>__<part> (jianfu/metrics/README.md)
-- rule: a ledger row is one validity period [valid_from, valid_to) with one status; the ledger is in use on a
--       day when a row with status 'active' covers it. Yearly hours = frequency × population × minutes × copies
--       ÷ 60 (copies default 1); a ledger without the three factors counts as in use but not in the hours.
with periods as (
    select unnest($periods, recursive := true)
),

moments as (
    select period_key, 'now' as moment, (as_of - interval 1 microsecond)::date as day from periods
    union all
    select period_key, 'baseline' as moment, $baseline_date::date as day from periods
),

ledger_days as (
    -- each ledger's row covering each moment's day (its state that day), with that row's yearly hours
    select
        m.period_key,
        m.moment,
        l.ledger_id,
        any_value(l.status) as status,
        bool_or(l.status = 'active') as is_active,
        sum(l.frequency_per_year * l.population * l.minutes_per_entry * coalesce(l.copies, 1) / 60.0)
        filter (where l.status = 'active') as hours,
        any_value(l.fields) filter (where l.status = 'active') as fields
    from ledgers as l
    inner join moments as m
        on l.valid_from <= m.day and (l.valid_to is null or l.valid_to > m.day)
    group by all
),

compared as (
    select
        coalesce(n.period_key, b.period_key) as period_key,
        coalesce(n.is_active, false) as active_now,
        coalesce(b.is_active, false) as active_baseline,
        n.status as status_now,
        n.hours as hours_now,
        b.hours as hours_baseline
    -- the two moments of one CTE, side by side
    -- noqa: disable=ST05
    from (
        select * from ledger_days
        where moment = 'now'
    ) as n
    full outer join (
        select * from ledger_days
        where moment = 'baseline'
    ) as b
        on b.period_key = n.period_key and b.ledger_id = n.ledger_id
),
-- noqa: enable=ST05

ended as (
    select
        period_key,
        active_baseline and not active_now as has_ended,
        active_now and not active_baseline as is_added,
        active_now and active_baseline as is_continuing,
        active_now,
        active_baseline,
        coalesce(status_now, 'abolished') as end_status,
        hours_now,
        hours_baseline
    from compared
),

hours as (
    select
        period_key,
        count(*) filter (where active_now) as active_now,
        count(*) filter (where active_baseline) as active_baseline,
        count(*) filter (where has_ended and end_status = 'abolished') as ended_abolished,
        count(*) filter (where has_ended and end_status = 'merged') as ended_merged,
        count(*) filter (where has_ended and end_status = 'digitised') as ended_digitised,
        coalesce(sum(hours_now), 0) as hours_now,
        count(hours_now) as hours_now_n,
        coalesce(sum(hours_baseline), 0) as hours_baseline,
        count(hours_baseline) as hours_baseline_n,
        -coalesce(sum(hours_baseline) filter (where has_ended and end_status = 'abolished'), 0) as change_abolished,
        -coalesce(sum(hours_baseline) filter (where has_ended and end_status = 'merged'), 0) as change_merged,
        -coalesce(sum(hours_baseline) filter (where has_ended and end_status = 'digitised'), 0) as change_digitised,
        coalesce(sum(hours_now) filter (where is_added), 0) as change_added,
        coalesce(sum(hours_now - hours_baseline) filter (where is_continuing), 0) as change_re_estimate
    from ended
    group by period_key
),

field_occurrences as (
    select
        period_key,
        lower(trim(unnest(fields))) as field
    from ledger_days
    where moment = 'now' and is_active
),

fields as (
    select
        period_key,
        count(*) as occurrences,
        count(distinct field) as distinct_fields
    from field_occurrences
    group by period_key
),

final as (
    select
        h.period_key,
        null::varchar as group_key,
        h.active_now as ledger_reduction__num,
        h.active_baseline as ledger_reduction__den,
        h.ended_abolished as ledger_reduction__x_abolished,
        h.ended_merged as ledger_reduction__x_merged,
        h.ended_digitised as ledger_reduction__x_digitised,
        h.hours_now as burden_hours__value,
        h.hours_now_n as burden_hours__n,
        h.hours_baseline as burden_hours__x_baseline_hours,
        h.change_abolished as burden_hours__x_programme_abolished,
        h.change_merged as burden_hours__x_programme_merged,
        h.change_digitised as burden_hours__x_programme_digitised,
        h.change_added as burden_hours__x_programme_added,
        h.change_re_estimate as burden_hours__x_re_estimate,
        h.hours_baseline - h.hours_now as hours_saved__value,
        h.hours_baseline_n as hours_saved__n,
        -h.change_abolished as hours_saved__x_abolished,
        -h.change_merged as hours_saved__x_merged,
        -h.change_digitised as hours_saved__x_digitised,
        -h.change_added as hours_saved__x_added,
        -h.change_re_estimate as hours_saved__x_re_estimate,
        f.occurrences - f.distinct_fields as duplicate_fields__num,
        f.occurrences as duplicate_fields__den
    from hours as h
    left join fields as f on f.period_key = h.period_key
)

select * from final
