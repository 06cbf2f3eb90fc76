-- purpose: the workers lookup model: every worker with the number of exporting systems carrying its id. A worker
--          id is unique only within its exporting system: a row names its own system's worker with that id, else
--          the only worker carrying it; an id other systems share names no worker (jianfu/references.py). Read
--          as filtered_workers_by_id (no dimensions, so every worker) by the queries placing a record by its
--          worker
-- parameters: none
-- grain: one row per worker
with final as (
    select
        source_system,
        worker_id,
        grid_id,
        team,
        count(*) over (partition by worker_id) as systems_with_id
    from workers
)

select * from final
