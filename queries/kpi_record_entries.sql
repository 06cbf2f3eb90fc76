-- purpose: duplicate record-keeping in each period: record entries whose (subject, event) pair was recorded in
--          more than one ledger within the period, as a share of the entries that name a subject and an event
-- parameters: $periods (list of {period_key, period_start, period_end, as_of}, one per period);
--             $by ('all', 'grid_id' or 'team', through the recording worker); $grids, $teams (lists, empty = no
--             filter)
-- grain: one row per period_key × group_key; KPI columns named <kpi_id>__<part> (jianfu/metrics/README.md)
with workers_by_id as (
    -- a worker id is unique only within its exporting system: a row names its own system's worker with that
    -- id, else the only worker carrying it; an id other systems share names no worker (jianfu/references.py)
    select *, count(*) over (partition by worker_id) as systems_with_id
    from workers
),

periods as (
    select unnest($periods, recursive := true)
),

entries as (
    select
        p.period_key,
        case $by when 'grid_id' then w.grid_id when 'team' then w.team end as group_key,
        r.ledger_id,
        r.subject_key,
        r.event_key
    from record_entries as r
    inner join periods as p
        on r.recorded_at >= p.period_start and r.recorded_at < p.period_end
    left join workers_by_id as w
        on w.worker_id = r.worker_id
            and (w.source_system = r.source_system or w.systems_with_id = 1)
    where r.subject_key is not null
        and r.event_key is not null
        and (len($grids) = 0 or list_contains($grids, w.grid_id))
        and (len($teams) = 0 or list_contains($teams, w.team))
),

pairs as (
    -- a (subject, event) pair is duplicated when more than one ledger recorded it in the period (min <> max
    -- says so without counting distinct ledgers, which is the slow part at scale)
    select
        period_key,
        subject_key,
        event_key,
        min(ledger_id) <> max(ledger_id) as is_duplicate
    from entries
    group by period_key, subject_key, event_key
),

flagged as (
    select
        e.period_key,
        e.group_key,
        p.is_duplicate
    from entries as e
    -- the three keys name the same columns on both sides
    inner join pairs as p using (period_key, subject_key, event_key)  -- noqa: ST07
),

final as (
    select
        period_key,
        group_key,
        count(*) filter (where is_duplicate) as duplicate_records__num,
        count(*) as duplicate_records__den
    from flagged
    group by period_key, group_key
)

select * from final
