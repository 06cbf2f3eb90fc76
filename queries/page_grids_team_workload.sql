-- purpose: each social-worker team's workload in the window: workers, cases received and closed, cases still
--          open at the window end, paperwork vs field hours and home visits
-- parameters: $start, $end_exclusive, $grids, $teams, $service_lines, $channels (lists, empty = all)
--             $case_streets (with $grids a street or district filter became: the streets whose cases without a
--             grid it takes in, jianfu/metrics/units.py; empty = none)
-- grain: one row per team
with team_workers as (
    select team, count(*) as workers
    from workers
    where role = 'social_worker'
        and team is not null
        and coalesce(joined_on < $end_exclusive, true)
        and coalesce(left_on >= $start, true)
    group by team
),

team_cases as (
    select
        team,
        count(*) as cases,
        count(*) filter (where closed_at < $end_exclusive) as cases_closed,
        count(
            *) filter (
            where status not in ('cancelled', 'returned')
            -- closed at a time set aside at import: not open (as in queries/model_backlog.sql)
            and (closed_at >= $end_exclusive or closed_at is null and status <> 'closed')
        ) as open_at_end
    from cases
    where received_at >= $start and received_at < $end_exclusive
        and team is not null
        and (
            len($grids) = 0 or list_contains($grids, grid_id)
            or grid_id is null and list_contains($case_streets, street)
        )
        and (len($service_lines) = 0 or list_contains($service_lines, service_line))
        and (len($channels) = 0 or list_contains($channels, channel))
    group by team
),

team_time as (
    select
        w.team,
        sum(t.hours_admin) as hours_admin,
        sum(t.hours_field) as hours_field,
        avg(t.home_visits) as visits_per_worker_week
    from time_use as t
    inner join filtered_workers_by_id as w
        on w.worker_id = t.worker_id
            and (w.source_system = t.source_system or w.systems_with_id = 1)
    where t.week >= $start and t.week < $end_exclusive
        and w.team is not null
        and (len($grids) = 0 or list_contains($grids, w.grid_id))
    group by w.team
),

final as (
    select
        w.team,
        w.workers,
        coalesce(c.cases, 0) as cases,
        coalesce(c.cases_closed, 0) as cases_closed,
        coalesce(c.open_at_end, 0) as open_at_end,
        coalesce(c.cases, 0) / w.workers as cases_per_worker,
        t.hours_admin,
        t.hours_field,
        t.hours_admin / nullif(t.hours_admin + t.hours_field, 0) as admin_share,
        t.visits_per_worker_week
    from team_workers as w
    left join team_cases as c on c.team = w.team
    left join team_time as t on t.team = w.team
    where len($teams) = 0 or list_contains($teams, w.team)
)

select * from final
order by team
