-- purpose: public 好差评 ratings (window/online/sms, as in kpi_evaluations.sql) by level, per month or per
--          rating source, as counts and shares (the satisfaction page's diverging bar); case filters apply
--          through the rated case
-- parameters: $start, $end_exclusive (rated_at window, half-open); $by ('month' or 'source');
--             $grids, $teams, $service_lines, $channels, $centers (empty list = all)
--             $case_streets (with $grids a street or district filter became: the streets whose cases without a
--             grid it takes in, jianfu/metrics/units.py; empty = none)
-- grain: one row per (group_key, rating)
with rated_cases as (
    -- the cases ratings name; a case id is unique only within its exporting system: a rating names its own
    -- system's case with that id, else the only case carrying it; an id other systems share names no case
    -- (jianfu/references.py)
    select *, count(*) over (partition by case_id) as systems_with_id
    from cases
    where case_id in (select case_id from evaluations)
),

rated as (
    select
        e.rating,
        case when $by = 'month' then strftime(date_trunc('month', e.rated_at), '%Y-%m')
            else coalesce(e.source, 'window')
        end as group_key
    from evaluations as e
    left join rated_cases as c
        on c.case_id = e.case_id
            and (c.source_system = e.source_system or c.systems_with_id = 1)
    where e.rated_at >= $start and e.rated_at < $end_exclusive
        and coalesce(e.source, 'window') in ('window', 'online', 'sms')
        and (
            len($grids) = 0 or list_contains($grids, c.grid_id)
            or c.grid_id is null and list_contains($case_streets, c.street)
        )
        and (len($teams) = 0 or list_contains($teams, c.team))
        and (len($service_lines) = 0 or list_contains($service_lines, c.service_line))
        and (len($channels) = 0 or list_contains($channels, c.channel))
        and (len($centers) = 0 or list_contains($centers, c.center))
),

counted as (
    select group_key, rating, count(*) as ratings
    from rated
    group by group_key, rating
),

final as (
    select
        group_key,
        rating,
        ratings,
        ratings / sum(ratings) over (partition by group_key) as share,
        sum(ratings) over (partition by group_key) as group_ratings
    from counted
)

select * from final
order by group_key, rating
