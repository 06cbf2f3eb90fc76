-- purpose: how many cases, public/callback ratings and survey responses the window and filters match, so a page
--          can say "nothing matches" instead of drawing empty cards and charts: the rows of the cases, ratings
--          and survey-responses base models under the filters (filtered_cases, filtered_evaluations,
--          filtered_survey_responses), as the KPI cards count them
-- parameters: $periods (the window as one period, jianfu/metrics/units.py page_params); $grids, $teams,
--             $service_lines, $channels, $centers, $districts, $streets (empty list = all, applied by the
--             models); $workday_epoch, $workday_cum (read by the cases model)
-- grain: one row
with matched_cases as (
    select count(*) as cases
    from filtered_cases
),

matched_ratings as (
    select count(*) as ratings
    from filtered_evaluations
),

matched_responses as (
    select count(*) as responses
    from filtered_survey_responses
    -- responses carry no case dimensions: a team, service line, channel or centre filter matches none
    where len($teams) + len($service_lines) + len($channels) + len($centers) = 0
),

final as (
    select cases, ratings, responses
    from matched_cases, matched_ratings, matched_responses
)

select * from final
