-- purpose: per complete survey response, the overall-satisfaction score and each dimension's mean score, all
--          rescaled to 0–100, for the key-driver (relative weights) analysis done in jianfu/metrics/drivers.py.
--          A response is complete when it scored every dimension scored in its period and group; only complete
--          responses enter the model, so only they are returned (one list per response keeps city-scale
--          surveys small in memory)
-- parameters: $periods (list of {period_key, period_start, period_end, as_of}, one per period);
--             $by ('all' or 'grid_id'); $grids (list, empty = no filter): the responses are the survey-responses
--             base model's under the filters, split by $by (grouped_survey_responses, jianfu/metrics/view.py)
-- grain: one row per period_key × group_key × complete response: its weight and `scores`, the mean score per
--        dimension in the order of `dimensions` (sorted; 'overall' for the overall item), which is given on the
--        first row of each period and group only; ordered by period_key, group_key and response
with items as (
    select
        item,
        case when is_overall then 'overall' else dimension end as dimension,
        coalesce(scale_min, 1) as scale_min,
        scale_max
    from survey_items
    where (is_overall or dimension is not null) and scale_max > coalesce(scale_min, 1)
),

scored as (
    select
        r.period_key,
        r.group_key,
        r.source_system,
        r.response_id,
        r.weight,
        i.dimension,
        avg(100.0 * (a.score - i.scale_min) / (i.scale_max - i.scale_min)) as score_100
    from grouped_survey_responses as r
    -- a response and its answers come from one import: joined on the full key (source system + id)
    inner join survey_answers as a on a.response_id = r.response_id and a.source_system = r.source_system
    inner join items as i on i.item = a.item
    where a.score is not null
    group by all
),

dimensions as (
    select period_key, group_key, list(distinct dimension order by dimension) as dimensions
    from scored
    group by period_key, group_key
),

responses as (
    select
        period_key,
        group_key,
        source_system,
        response_id,
        weight,
        list(score_100 order by dimension) as scores
    from scored
    group by period_key, group_key, source_system, response_id, weight
),

final as (
    select
        r.period_key,
        r.group_key,
        r.source_system,
        r.response_id,
        r.weight,
        r.scores,
        case when row_number() over (partition by r.period_key, r.group_key order by r.source_system, r.response_id) = 1
                then d.dimensions
        end as dimensions
    from responses as r
    inner join dimensions as d
        on d.period_key = r.period_key and d.group_key is not distinct from r.group_key
    where len(r.scores) = len(d.dimensions)
)

select * exclude (source_system, response_id) from final
order by period_key, group_key, source_system, response_id
