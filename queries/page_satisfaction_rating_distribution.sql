-- purpose: public 好差评 ratings (window/online/sms) by level, per month or per rating source, as counts and
--          shares (the satisfaction page's diverging bar): the ratings base model under the filters
--          (filtered_evaluations, case filters applying through the rated case), so the bars add up to the
--          good-rating card's denominator
-- parameters: $periods (the window as one period, jianfu/ui/data.py); $by ('month' or 'source');
--             $grids, $teams, $service_lines, $channels, $centers, $districts, $streets (empty list = all,
--             applied by filtered_evaluations)
-- grain: one row per (group_key, rating)
with rated as (
    select
        rating,
        case when $by = 'month' then strftime(date_trunc('month', rated_at), '%Y-%m')
            else coalesce(source, 'window')
        end as group_key
    from filtered_evaluations
    where is_public_rating
),

counted as (
    select group_key, rating, count(*) as ratings
    from rated
    group by group_key, rating
),

final as (
    select
        group_key,
        rating,
        ratings,
        ratings / sum(ratings) over (partition by group_key) as share,
        sum(ratings) over (partition by group_key) as group_ratings
    from counted
)

select * from final
order by group_key, rating
