-- purpose: the survey-responses base model: the resident survey's responses given in each period, with their
--          grid and weight (1 when none is recorded); read under the filters by the survey dimension scores
--          (survey_driver_scores.sql as grouped_survey_responses, page_satisfaction_dimensions.sql)
-- parameters: $periods (list of {period_key, period_start, period_end, as_of}, one per period)
-- grain: one row per period_key × survey response
with periods as (
    select unnest($periods, recursive := true)
),

final as (
    select
        p.period_key,
        r.grid_id,
        r.source_system,
        r.response_id,
        coalesce(r.weight, 1.0) as weight
    from survey_responses as r
    inner join periods as p
        on r.responded_at >= p.period_start and r.responded_at < p.period_end
)

select * from final
