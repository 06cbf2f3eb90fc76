-- purpose: the resident survey's overall-satisfaction item in each period: the weighted 0–100 index and the
--          weighted top-2-box share, with the sums the engine needs for effective n = (Σw)²/Σw² and intervals
-- parameters: $periods (list of {period_key, period_start, period_end, as_of}, one per period);
--             $by ('all' or 'grid_id'); $grids (list, empty = no filter)
-- grain: one row per period_key × group_key; KPI columns named <kpi_id>__<part> (jianfu/metrics/README.md)
with periods as (
    select unnest($periods, recursive := true)
),

overall_items as (
    select
        item,
        coalesce(scale_min, 1) as scale_min,
        scale_max
    from survey_items
    where is_overall and scale_max > coalesce(scale_min, 1)
),

scored as (
    select
        p.period_key,
        case $by when 'grid_id' then r.grid_id end as group_key,
        coalesce(r.weight, 1.0) as weight,
        100.0 * (a.score - i.scale_min) / (i.scale_max - i.scale_min) as index_score,
        case when a.score >= i.scale_max - 1 then 1.0 else 0.0 end as is_top2
    from survey_responses as r
    inner join periods as p
        on r.responded_at >= p.period_start and r.responded_at < p.period_end
    -- a response and its answers come from one import: joined on the full key (source system + id)
    inner join survey_answers as a on a.response_id = r.response_id and a.source_system = r.source_system
    inner join overall_items as i on i.item = a.item
    where a.score is not null
        and (len($grids) = 0 or list_contains($grids, r.grid_id))
),

final as (
    select
        period_key,
        group_key,
        sum(weight * index_score) as satisfaction_index__num,
        sum(weight) as satisfaction_index__den,
        sum(weight * weight) as satisfaction_index__sumw2,
        sum(weight * index_score * index_score) as satisfaction_index__sumwx2,
        count(*) as satisfaction_index__n,
        sum(weight * is_top2) as top2_box__num,
        sum(weight) as top2_box__den,
        sum(weight * weight) as top2_box__sumw2,
        count(*) as top2_box__n
    from scored
    group by period_key, group_key
)

select * from final
