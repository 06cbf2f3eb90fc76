-- purpose: open cases at the end of the window by age band, split into within and past the promised deadline
--          (the throughput page's backlog ageing chart)
-- parameters: $end_exclusive (the moment the backlog is taken); $grids, $teams, $service_lines, $channels,
--             $centers (empty list = all)
--             $case_streets (with $grids a street or district filter became: the streets whose cases without a
--             grid it takes in, jianfu/metrics/units.py; empty = none)
-- grain: one row per (age_band, past_due)
with open_cases as (
    select
        date_diff('day', received_at, $end_exclusive::timestamp) as age_days,
        coalesce(due_at < $end_exclusive::timestamp, false) as past_due
    from cases
    where received_at < $end_exclusive
        and (closed_at is null or closed_at >= $end_exclusive)
        and status not in ('cancelled', 'returned')
        and (
            len($grids) = 0 or list_contains($grids, grid_id)
            or grid_id is null and list_contains($case_streets, street)
        )
        and (len($teams) = 0 or list_contains($teams, team))
        and (len($service_lines) = 0 or list_contains($service_lines, service_line))
        and (len($channels) = 0 or list_contains($channels, channel))
        and (len($centers) = 0 or list_contains($centers, center))
),

banded as (
    select
        case
            when age_days <= 7 then 1
            when age_days <= 30 then 2
            when age_days <= 90 then 3
            else 4
        end as band_order,
        past_due
    from open_cases
),

final as (
    select
        band_order,
        ['0_7', '8_30', '31_90', 'over_90'][band_order] as age_band,
        past_due,
        count(*) as cases
    from banded
    group by band_order, past_due
)

select * from final
order by band_order, past_due
