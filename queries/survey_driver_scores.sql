-- purpose: per survey response, the overall-satisfaction score and each dimension's mean score, all rescaled
--          to 0–100, for the key-driver (relative weights) analysis done in jianfu/metrics/drivers.py
-- parameters: $periods (list of {period_key, period_start, period_end, as_of}, one per period);
--             $by ('all' or 'grid_id'); $grids (list, empty = no filter)
-- grain: one row per period_key × group_key × response × dimension ('overall' for the overall item), ordered
--        by period_key and group_key (the reducer splits the rows into contiguous slices)
with periods as (
    select unnest($periods, recursive := true)
),

items as (
    select
        item,
        case when is_overall then 'overall' else dimension end as dimension,
        coalesce(scale_min, 1) as scale_min,
        scale_max
    from survey_items
    where (is_overall or dimension is not null) and scale_max > coalesce(scale_min, 1)
),

final as (
    select
        p.period_key,
        case $by when 'grid_id' then r.grid_id end as group_key,
        r.response_id,
        coalesce(r.weight, 1.0) as weight,
        i.dimension,
        avg(100.0 * (a.score - i.scale_min) / (i.scale_max - i.scale_min)) as score_100
    from survey_responses as r
    inner join periods as p
        on r.responded_at >= p.period_start and r.responded_at < p.period_end
    inner join survey_answers as a on a.response_id = r.response_id
    inner join items as i on i.item = a.item
    where a.score is not null
        and (len($grids) = 0 or list_contains($grids, r.grid_id))
    group by all
)

select * from final
order by period_key, group_key
