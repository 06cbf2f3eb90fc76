-- purpose: the requests (cases carrying request text: 12345 work orders) whose text the hot-topics page segments,
--          with their month, category and street; the text is scrubbed at import and never leaves the page but as
--          counts and masked excerpts (jianfu/metrics/topics.py)
-- parameters: $start, $end_exclusive (received_at window, half-open; the page passes the baseline months too);
--             $grids, $teams, $service_lines, $channels, $centers (empty list = all)
-- grain: one row per request
select
    date_trunc('month', c.received_at)::date as month,
    c.matter,
    coalesce(c.street, g.street) as street,
    c.request_text
from cases as c
left join grids as g on c.grid_id = g.grid_id
where c.received_at >= $start and c.received_at < $end_exclusive
    and c.request_text is not null and trim(c.request_text) <> ''
    and (len($grids) = 0 or list_contains($grids, c.grid_id))
    and (len($teams) = 0 or list_contains($teams, c.team))
    and (len($service_lines) = 0 or list_contains($service_lines, c.service_line))
    and (len($channels) = 0 or list_contains($channels, c.channel))
    and (len($centers) = 0 or list_contains($centers, c.center))
order by c.received_at, c.case_id
