-- purpose: cases received in the window by service line and channel (the throughput page's volume chart)
-- parameters: $start, $end_exclusive (received_at window, half-open); $grids, $teams, $service_lines,
--             $channels, $centers (empty list = all)
--             $case_streets (with $grids a street or district filter became: the streets whose cases without a
--             grid it takes in, jianfu/metrics/units.py; empty = none)
-- grain: one row per (service_line, channel)
with filtered as (
    select coalesce(service_line, 'other') as service_line, coalesce(channel, 'other') as channel
    from cases
    where received_at >= $start and received_at < $end_exclusive
        and status <> 'cancelled'
        and (
            len($grids) = 0 or list_contains($grids, grid_id)
            or grid_id is null and list_contains($case_streets, street)
        )
        and (len($teams) = 0 or list_contains($teams, team))
        and (len($service_lines) = 0 or list_contains($service_lines, service_line))
        and (len($channels) = 0 or list_contains($channels, channel))
        and (len($centers) = 0 or list_contains($centers, center))
),

final as (
    select service_line, channel, count(*) as cases
    from filtered
    group by service_line, channel
)

select * from final
order by sum(cases) over (partition by service_line) desc, service_line, cases desc
