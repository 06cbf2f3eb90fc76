-- purpose: open cases at each period's as-of time, whenever they were received (a stock, not a cohort), with
--          the past-due count and ageing in calendar days; cancelled and returned cases are not open work
-- parameters: $periods (list of {period_key, period_start, period_end, as_of}, one per period);
--             $by ('all' or a dimension to split by); $grids, $teams, $service_lines, $channels, $centers, $districts,
--             $streets
--             (lists, empty = no filter)
-- grain: one row per period_key × group_key; KPI columns named <kpi_id>__<part> (jianfu/metrics/README.md)
with periods as (
    select unnest($periods, recursive := true)
),

street_districts as (
    -- the hierarchy above the grid, by the rule of queries/unit_hierarchy.sql: a case's street is its grid's
    -- (`u`) when the grid is known, else cases.street; its district is its grid's, else its street's
    select
        street,
        max(district) as district
    from grids
    where street is not null
    group by street
),

open_cases as (
    select
        p.period_key,
        case $by
            when 'grid_id' then c.grid_id
            when 'team' then c.team
            when 'service_line' then c.service_line
            when 'channel' then c.channel
            when 'center' then c.center
            when 'matter' then c.matter
            when 'community' then u.community
            when 'street' then coalesce(u.street, c.street)
            when 'district' then coalesce(u.district, sd.district)
        end as group_key,
        c.case_id,
        c.due_at < p.as_of as is_past_due,
        epoch(p.as_of - c.received_at) / 86400.0 as age_days
    from cases as c
    inner join periods as p
        on c.received_at < p.as_of and (c.closed_at is null or c.closed_at >= p.as_of)
    left join grids as u on u.grid_id = c.grid_id
    left join street_districts as sd on sd.street = coalesce(u.street, c.street)
    where c.status not in ('cancelled', 'returned')
        and (len($grids) = 0 or list_contains($grids, c.grid_id))
        and (len($districts) = 0 or list_contains($districts, coalesce(u.district, sd.district)))
        and (len($streets) = 0 or list_contains($streets, coalesce(u.street, c.street)))
        and (len($teams) = 0 or list_contains($teams, c.team))
        and (len($service_lines) = 0 or list_contains($service_lines, c.service_line))
        and (len($channels) = 0 or list_contains($channels, c.channel))
        and (len($centers) = 0 or list_contains($centers, c.center))
),

final as (
    select
        period_key,
        group_key,
        count(*) as backlog__value,
        count(*) as backlog__n,
        count(*) filter (where age_days <= 7) as backlog__x_age_0_7_days,
        count(*) filter (where age_days > 7 and age_days <= 30) as backlog__x_age_8_30_days,
        count(*) filter (where age_days > 30 and age_days <= 90) as backlog__x_age_31_90_days,
        count(*) filter (where age_days > 90) as backlog__x_age_over_90_days,
        count(*) filter (where is_past_due) as backlog_past_due__value,
        count(*) as backlog_past_due__n
    from open_cases
    group by period_key, group_key
)

select * from final
