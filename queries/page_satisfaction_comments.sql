-- purpose: the latest resident comments (already PII-scrubbed at import) from 好差评 and surveys, with how many
--          ratings/responses the filters match in total (the page shows comments only when that is ≥ 10, so a
--          comment cannot point to one person)
-- parameters: $start, $end_exclusive (rated_at / responded_at window, half-open); $limit (rows);
--             $grids, $teams, $service_lines, $channels, $centers (empty list = all)
-- grain: one row per comment, newest first
with rated_cases as (
    -- the cases ratings name; a case id is unique only within its exporting system: a rating names its own
    -- system's case with that id, else the only case carrying it; an id other systems share names no case
    -- (jianfu/references.py)
    select *, count(*) over (partition by case_id) as systems_with_id
    from cases
    where case_id in (select case_id from evaluations)
),

rated as (
    select e.rated_at as said_at, e.rating, e.comment, 'evaluation' as origin
    from evaluations as e
    left join rated_cases as c
        on c.case_id = e.case_id
            and (c.source_system = e.source_system or c.systems_with_id = 1)
    where e.rated_at >= $start and e.rated_at < $end_exclusive
        and (len($grids) = 0 or list_contains($grids, c.grid_id))
        and (len($teams) = 0 or list_contains($teams, c.team))
        and (len($service_lines) = 0 or list_contains($service_lines, c.service_line))
        and (len($channels) = 0 or list_contains($channels, c.channel))
        and (len($centers) = 0 or list_contains($centers, c.center))
),

surveyed as (
    select responded_at as said_at, null::bigint as rating, comment, 'survey' as origin
    from survey_responses
    where responded_at >= $start and responded_at < $end_exclusive
        and (len($grids) = 0 or list_contains($grids, grid_id))
        -- a survey response has no team, service line or channel of a case: with those filters, none match
        and len($teams) = 0 and len($service_lines) = 0 and len($channels) = 0 and len($centers) = 0
),

everything as (
    select * from rated
    union all
    select * from surveyed
),

final as (
    select
        said_at,
        rating,
        origin,
        trim(comment) as comment,
        count(*) over () as matching_total
    from everything
    qualify comment is not null and trim(comment) <> ''
)

select * from final
order by said_at desc
limit $limit
