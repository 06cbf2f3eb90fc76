-- purpose: each grid's size and its cases and home visits in the window, per 1,000 residents / households
-- parameters: $start, $end_exclusive, $grids (list, empty = all; applied by filtered_grids, the grids base
--             model)
-- grain: one row per grid
with grid_cases as (
    select grid_id, count(*) as cases
    from cases
    where received_at >= $start and received_at < $end_exclusive
    group by grid_id
),

grid_visits as (
    -- a worker's home visits count for the grid the worker serves
    select w.grid_id, sum(t.home_visits) as home_visits
    from time_use as t
    inner join filtered_workers_by_id as w
        on w.worker_id = t.worker_id
            and (w.source_system = t.source_system or w.systems_with_id = 1)
    where t.week >= $start and t.week < $end_exclusive
    group by w.grid_id
),

final as (
    select
        g.grid_id,
        g.name,
        g.kind,
        g.residents,
        g.households,
        coalesce(c.cases, 0) as cases,
        1000.0 * coalesce(c.cases, 0) / nullif(g.residents, 0) as cases_per_1000,
        coalesce(v.home_visits, 0) as home_visits,
        1000.0 * coalesce(v.home_visits, 0) / nullif(g.households, 0) as visits_per_1000_households
    from filtered_grids as g
    left join grid_cases as c on c.grid_id = g.grid_id
    left join grid_visits as v on v.grid_id = g.grid_id
)

select * from final
order by grid_id
