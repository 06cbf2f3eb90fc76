-- purpose: how many working days the cases received in the window took to close, in bands (the throughput
--          page's cycle-time distribution); same counting rule as cycle_time in kpi_cases.sql
-- parameters: $start, $end_exclusive (received_at window, half-open; closed before $end_exclusive);
--             $grids, $teams, $service_lines, $channels, $centers (empty list = all);
--             $workday_epoch, $workday_cum (jianfu.calendar.sql_params())
--             $case_streets (with $grids a street or district filter became: the streets whose cases without a
--             grid it takes in, jianfu/metrics/units.py; empty = none)
-- grain: one row per (center, band)
with closed as (
    select
        coalesce(c.center, 'unknown') as center,
        w.cumulative[datediff('day', $workday_epoch, c.closed_at::date) + 1]
        - w.cumulative[datediff('day', $workday_epoch, c.received_at::date) + 1] as cycle_working_days
    from cases as c
    -- one bound list, named once
    cross join (select $workday_cum as cumulative) as w  -- noqa: ST05
    where c.received_at >= $start and c.received_at < $end_exclusive
        and c.closed_at >= c.received_at and c.closed_at < $end_exclusive
        and c.status not in ('cancelled', 'returned')
        and (
            len($grids) = 0 or list_contains($grids, c.grid_id)
            or c.grid_id is null and list_contains($case_streets, c.street)
        )
        and (len($teams) = 0 or list_contains($teams, c.team))
        and (len($service_lines) = 0 or list_contains($service_lines, c.service_line))
        and (len($channels) = 0 or list_contains($channels, c.channel))
        and (len($centers) = 0 or list_contains($centers, c.center))
),

banded as (
    select
        center,
        case
            when cycle_working_days <= 5 then cycle_working_days
            when cycle_working_days <= 10 then 6
            when cycle_working_days <= 20 then 7
            when cycle_working_days <= 30 then 8
            else 9
        end as band_order
    from closed
    where cycle_working_days is not null
),

final as (
    select
        center,
        band_order,
        ['0', '1', '2', '3', '4', '5', '6–10', '11–20', '21–30', '>30'][band_order + 1] as band,
        count(*) as cases
    from banded
    group by center, band_order
)

select * from final
order by center, band_order
