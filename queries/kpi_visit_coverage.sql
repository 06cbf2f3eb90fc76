-- purpose: household visit coverage in each period: distinct households (record_entries.subject_key) with a
--          recorded entry by a worker of the grid, as a share of the grid's households (grids.households)
-- parameters: $periods (list of {period_key, period_start, period_end, as_of}, one per period);
--             $by ('all' or 'grid_id'); $grids (list, empty = no filter)
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

chosen_grids as (
    select
        grid_id,
        households
    from grids
    where households > 0
        and (len($grids) = 0 or list_contains($grids, grid_id))
),

visited as (
    select
        p.period_key,
        w.grid_id,
        count(distinct r.subject_key) as households_visited
    from record_entries as r
    inner join periods as p
        on r.recorded_at >= p.period_start and r.recorded_at < p.period_end
    inner join workers_by_id as w
        on w.worker_id = r.worker_id
            and (w.source_system = r.source_system or w.systems_with_id = 1)
    where r.subject_key is not null
    group by all
),

final as (
    select
        p.period_key,
        case $by when 'grid_id' then g.grid_id end as group_key,
        coalesce(sum(least(v.households_visited, g.households)), 0) as visit_coverage__num,
        sum(g.households) as visit_coverage__den
    from periods as p
    cross join chosen_grids as g
    left join visited as v on v.period_key = p.period_key and v.grid_id = g.grid_id
    group by all
)

select * from final
