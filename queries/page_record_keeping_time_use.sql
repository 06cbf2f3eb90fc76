-- purpose: workers' administrative vs field hours per month over the twelve months up to the window end
-- parameters: $end_exclusive, $grids, $teams (lists, empty = all; through the worker's grid and team)
-- grain: one row per month × activity (admin, field)
with weeks as (
    select
        date_trunc('month', t.week)::date as month,
        t.hours_admin,
        t.hours_field
    from time_use as t
    left join filtered_workers_by_id as w
        on w.worker_id = t.worker_id
            and (w.source_system = t.source_system or w.systems_with_id = 1)
    where t.week >= date_trunc('month', $end_exclusive - interval 12 month)
        and t.week < $end_exclusive
        and (len($grids) = 0 or list_contains($grids, w.grid_id))
        and (len($teams) = 0 or list_contains($teams, w.team))
),

by_month as (
    select month, sum(hours_admin) as admin, sum(hours_field) as field
    from weeks
    group by month
),

final as (
    select
        month,
        activity,
        hours,
        hours / nullif(sum(hours) over (partition by month), 0) as share_of_hours
    from by_month
    unpivot (hours for activity in (admin, field))
)

select * from final
order by month, activity
