-- purpose: how social workers spend their weeks in each period: paperwork share of hours and home visits per
--          worker-week (a week belongs to the period its start date falls in)
-- parameters: $periods (list of {period_key, period_start, period_end, as_of}, one per period);
--             $by ('all', 'grid_id' or 'team', through the worker); $grids, $teams (lists, empty = no filter)
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

weeks as (
    select
        p.period_key,
        case $by when 'grid_id' then w.grid_id when 'team' then w.team end as group_key,
        t.hours_admin,
        t.hours_admin + t.hours_field as hours_total,
        t.home_visits
    from time_use as t
    inner join periods as p
        on t.week >= p.period_start and t.week < p.period_end
    left join workers_by_id as w
        on w.worker_id = t.worker_id
            and (w.source_system = t.source_system or w.systems_with_id = 1)
    where (len($grids) = 0 or list_contains($grids, w.grid_id))
        and (len($teams) = 0 or list_contains($teams, w.team))
),

final as (
    select
        period_key,
        group_key,
        sum(hours_admin) filter (where hours_total > 0) as admin_time_share__num,
        sum(hours_total) filter (where hours_total > 0) as admin_time_share__den,
        count(*) filter (where hours_total > 0) as admin_time_share__n,
        sum(hours_admin * hours_admin) filter (where hours_total > 0) as admin_time_share__syy,
        sum(hours_total * hours_total) filter (where hours_total > 0) as admin_time_share__sxx,
        sum(hours_admin * hours_total) filter (where hours_total > 0) as admin_time_share__sxy,
        avg(home_visits) as field_visits__value,
        count(home_visits) as field_visits__n,
        stddev_samp(home_visits) as field_visits__sd
    from weeks
    group by period_key, group_key
)

select * from final
