-- purpose: survey dimension scores on 0–100 (weighted mean of each respondent's mean answer in the dimension,
--          rescaled by the item's scale), with how many responses answered the dimension and an English label
--          (the item's label_en when the dimension has one item) for the satisfaction page's dimension bars
-- parameters: $periods (the window as one period, jianfu/ui/data.py); $grids (empty list = all): the responses
--             are the survey-responses base model's under the filters (filtered_survey_responses)
-- grain: one row per dimension
with responses as (
    select source_system, response_id, weight
    from filtered_survey_responses
),

items as (
    select item, dimension, label_en, coalesce(scale_min, 1) as scale_min, scale_max
    from survey_items
    where not coalesce(is_overall, false) and dimension is not null and scale_max > coalesce(scale_min, 1)
),

labels as (
    select dimension, case when count(*) = 1 then min(label_en) else dimension end as label_en
    from items
    group by dimension
),

per_response as (
    select
        a.response_id,
        r.weight,
        i.dimension,
        avg(100.0 * (a.score - i.scale_min) / (i.scale_max - i.scale_min)) as score_100
    from survey_answers as a
    -- a response and its answers come from one import: joined on the full key (source system + id)
    inner join responses as r on r.response_id = a.response_id and r.source_system = a.source_system
    inner join items as i on i.item = a.item
    where a.score is not null
    group by a.source_system, a.response_id, r.weight, i.dimension
),

final as (
    select
        p.dimension,
        coalesce(l.label_en, p.dimension) as label_en,
        sum(p.weight * p.score_100) / sum(p.weight) as performance,
        count(*) as responses
    from per_response as p
    left join labels as l on l.dimension = p.dimension
    group by p.dimension, l.label_en
)

select * from final
order by performance
