-- purpose: rating KPIs over the evaluations rated in each period: 好差评 (window/online/sms ratings), the
--          handling of bad ratings (rectified by the deadline, real-name callbacks) and 12345/grid callbacks
-- parameters: $periods (list of {period_key, period_start, period_end, as_of}, one per period);
--             $by ('all' or a case dimension to split by); $grids, $teams, $service_lines, $channels,
--             $centers, $districts, $streets (lists, empty = no filter; they select through the rated case, so a
--             filtered evaluation needs one)
-- grain: one row per period_key × group_key; KPI columns named <kpi_id>__<part> (jianfu/metrics/README.md)
with periods as (
    select unnest($periods, recursive := true)
),

street_districts as (
    -- the hierarchy above the grid, by the rule of queries/unit_hierarchy.sql: a case's street is its grid's
    -- (`u`) when the grid is known, else cases.street; its district is its grid's, else its street's
    select
        street,
        max(district) as district
    from grids
    where street is not null
    group by street
),

rated_cases as (
    -- the case each rating is about, found on the full key: a case id is unique only within its exporting
    -- system, so a rating belongs to its own system's case with that id, else to the only case carrying it; an
    -- id other systems share names no case (jianfu/references.py). Only needed (and only read) when splitting
    -- or filtering by a case dimension
    select
        e.source_system as eval_source_system,
        e.eval_id,
        case $by
            when 'grid_id' then c.grid_id
            when 'team' then c.team
            when 'service_line' then c.service_line
            when 'channel' then c.channel
            when 'center' then c.center
            when 'matter' then c.matter
            when 'community' then u.community
            when 'street' then coalesce(u.street, c.street)
            when 'district' then coalesce(u.district, sd.district)
        end as group_key
    from evaluations as e
    inner join periods as p on e.rated_at >= p.period_start and e.rated_at < p.period_end
    inner join cases as c on c.case_id = e.case_id
    left join grids as u on u.grid_id = c.grid_id
    left join street_districts as sd on sd.street = coalesce(u.street, c.street)
    -- (one condition per line, as in every filter block: hence the long line)
    where ($by <> 'all' or len($grids) + len($districts) + len($streets) + len($teams) + len($service_lines) + len($channels) + len($centers) > 0)  -- noqa: LT05
        and (c.source_system = e.source_system or not exists (
            select 1 from cases as q
            where q.case_id = c.case_id and q.source_system <> c.source_system
        ))
        and (len($grids) = 0 or list_contains($grids, c.grid_id))
        and (len($districts) = 0 or list_contains($districts, coalesce(u.district, sd.district)))
        and (len($streets) = 0 or list_contains($streets, coalesce(u.street, c.street)))
        and (len($teams) = 0 or list_contains($teams, c.team))
        and (len($service_lines) = 0 or list_contains($service_lines, c.service_line))
        and (len($channels) = 0 or list_contains($channels, c.channel))
        and (len($centers) = 0 or list_contains($centers, c.center))
    group by all
),

rated as (
    select
        p.period_key,
        d.group_key,
        e.rating,
        coalesce(e.source, 'window') in ('window', 'online', 'sms') as is_public_rating,
        e.source in ('hotline_callback', 'grid_callback') as is_callback,
        e.resolved_answer,
        case
            when e.rating > 2 or not e.verified or e.rectify_due_at is null then null
            when e.rectified_at < p.as_of then e.rectified_at <= e.rectify_due_at
            when e.rectify_due_at < p.as_of then false
        end as rectified_on_time,
        e.rating <= 2 and e.realname as is_realname_bad,
        e.callback_at < p.as_of as is_called_back
    from evaluations as e
    inner join periods as p
        on e.rated_at >= p.period_start and e.rated_at < p.period_end
    left join rated_cases as d on d.eval_id = e.eval_id and d.eval_source_system = e.source_system
    where len($grids) + len($districts) + len($streets) + len($teams) + len($service_lines) + len($channels)
        + len($centers) = 0
        or d.eval_id is not null
),

final as (
    select
        period_key,
        group_key,
        count(*) filter (where is_public_rating and rating >= 3) as good_rating_rate__num,
        count(*) filter (where is_public_rating) as good_rating_rate__den,
        count(*) filter (where is_public_rating and rating = 5) as top_box_rate__num,
        count(*) filter (where is_public_rating) as top_box_rate__den,
        count(*) filter (where is_public_rating and rectified_on_time) as bad_rectified_on_time__num,
        count(rectified_on_time) filter (where is_public_rating) as bad_rectified_on_time__den,
        count(*) filter (where is_public_rating and is_realname_bad and is_called_back) as bad_callback_rate__num,
        count(*) filter (where is_public_rating and is_realname_bad) as bad_callback_rate__den,
        count(*) filter (where is_callback and resolved_answer = 'resolved') as resolution_rate__num,
        count(*) filter (where is_callback and resolved_answer is not null) as resolution_rate__den,
        count(*) filter (where is_callback and rating >= 4) as satisfaction_rate__num,
        count(*) filter (where is_callback) as satisfaction_rate__den,
        count(*) filter (where is_callback and rating >= 3) as satisfaction_rate__x_rated_3_or_more
    from rated
    group by period_key, group_key
)

select * from final
