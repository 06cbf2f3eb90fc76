-- purpose: record entries in the window per ledger, and how many of them record a (subject, event) pair that
--          another ledger also recorded in the window (duplicate records, as duplicate_records counts them)
-- parameters: $start, $end_exclusive, $grids, $teams (lists, empty = all; through the recording worker)
-- grain: one row per ledger
with entries as (
    select r.ledger_id, r.subject_key, r.event_key
    from record_entries as r
    left join filtered_workers_by_id as w
        on w.worker_id = r.worker_id
            and (w.source_system = r.source_system or w.systems_with_id = 1)
    where r.recorded_at >= $start and r.recorded_at < $end_exclusive
        and r.subject_key is not null
        and r.event_key is not null
        and (len($grids) = 0 or list_contains($grids, w.grid_id))
        and (len($teams) = 0 or list_contains($teams, w.team))
),

flagged as (
    select
        ledger_id,
        count(distinct ledger_id) over (partition by subject_key, event_key) > 1 as is_duplicate
    from entries
),

ledger_names as (
    select ledger_id, arg_max(name, valid_from) as name
    from ledgers
    group by ledger_id
),

final as (
    select
        f.ledger_id,
        n.name,
        count(*) as entries,
        count(*) filter (where f.is_duplicate) as duplicate_entries,
        count(*) filter (where f.is_duplicate) / count(*) as duplicate_share
    from flagged as f
    left join ledger_names as n on n.ledger_id = f.ledger_id
    group by all
)

select * from final
order by duplicate_entries desc, ledger_id asc
