-- purpose: the record-entries base model: record entries made in each period that name a subject and an event,
--          with the recording worker's grid and team; read under the filters (filtered_record_entries) by
--          model_record_duplicates.sql, which finds the duplicated (subject, event) pairs among them
-- parameters: $periods (list of {period_key, period_start, period_end, as_of}, one per period)
-- grain: one row per period_key × record entry naming a subject and an event
with periods as (
    select unnest($periods, recursive := true)
),

final as (
    select
        p.period_key,
        w.grid_id,
        w.team,
        r.ledger_id,
        r.subject_key,
        r.event_key
    from record_entries as r
    inner join periods as p
        on r.recorded_at >= p.period_start and r.recorded_at < p.period_end
    left join filtered_workers_by_id as w
        on w.worker_id = r.worker_id
            and (w.source_system = r.source_system or w.systems_with_id = 1)
    where r.subject_key is not null
        and r.event_key is not null
)

select * from final
