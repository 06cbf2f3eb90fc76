-- purpose: how many cases, public/callback ratings and survey responses the window and filters match, so a page
--          can say "nothing matches" instead of drawing empty cards and charts
-- parameters: $start, $end_exclusive (half-open window on received_at / rated_at / responded_at);
--             $grids, $teams, $service_lines, $channels, $centers (empty list = all)
--             $case_streets (with $grids a street or district filter became: the streets whose cases without a
--             grid it takes in, jianfu/metrics/units.py; empty = none)
-- grain: one row
with matched_cases as (
    select count(*) as cases
    from cases
    where received_at >= $start and received_at < $end_exclusive
        and (
            len($grids) = 0 or list_contains($grids, grid_id)
            or grid_id is null and list_contains($case_streets, street)
        )
        and (len($teams) = 0 or list_contains($teams, team))
        and (len($service_lines) = 0 or list_contains($service_lines, service_line))
        and (len($channels) = 0 or list_contains($channels, channel))
        and (len($centers) = 0 or list_contains($centers, center))
),

matched_ratings as (
    select count(*) as ratings
    from evaluations as e
    left join cases as c on c.case_id = e.case_id
    where e.rated_at >= $start and e.rated_at < $end_exclusive
        and (
            len($grids) = 0 or list_contains($grids, c.grid_id)
            or c.grid_id is null and list_contains($case_streets, c.street)
        )
        and (len($teams) = 0 or list_contains($teams, c.team))
        and (len($service_lines) = 0 or list_contains($service_lines, c.service_line))
        and (len($channels) = 0 or list_contains($channels, c.channel))
        and (len($centers) = 0 or list_contains($centers, c.center))
),

matched_responses as (
    select count(*) as responses
    from survey_responses
    where responded_at >= $start and responded_at < $end_exclusive
        and (len($grids) = 0 or list_contains($grids, grid_id))
        -- responses carry no case dimensions: a team, service line, channel or centre filter matches none
        and len($teams) + len($service_lines) + len($channels) + len($centers) = 0
),

final as (
    select cases, ratings, responses
    from matched_cases, matched_ratings, matched_responses
)

select * from final
