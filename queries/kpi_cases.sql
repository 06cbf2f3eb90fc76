-- purpose: the case KPIs (政务 + 居务) for the cases received in each period, as they stood at the period's
--          as-of time (the period end, or the end of the data for a partial period): a case closed after the
--          as-of time counts as open, a case open past its due date at the as-of time counts as late
-- parameters: $periods (list of {period_key, period_start, period_end, as_of}: one entry per period;
--             [start, end) half-open, naive local time); $by ('all' or a dimension to split by); $grids, $teams,
--             $service_lines, $channels, $centers, $districts,
--             $streets (lists, empty = no filter); $workday_epoch, $workday_cum
--             (jianfu.calendar.sql_params(): cumulative working days per calendar day from the epoch, joined
--             as a day table: a list carried through the joins would be copied into every row)
-- grain: one row per period_key × group_key; KPI columns named <kpi_id>__<part> (jianfu/metrics/README.md)
with periods as (
    select unnest($periods, recursive := true)
),

workdays as (
    -- one row per calendar day from the epoch: how many working days that day completes
    select
        unnest(range(len($workday_cum))) as day_number,
        unnest($workday_cum) as worked_to_date
),

ratings as (
    -- when each case was first rated, and first rated badly in the 好差评 channels (a case is rated after
    -- it was received, so older ratings cannot belong to these periods). A case id is unique only within its
    -- exporting system: a rating belongs to its own system's case with that id, else to the only case carrying
    -- it; an id other systems share names no case (jianfu/references.py)
    select
        c.source_system,
        c.case_id,
        min(e.rated_at) as first_rated_at,
        min(e.rated_at) filter (
            where e.rating <= 2 and coalesce(e.source, 'window') in ('window', 'online', 'sms')
        ) as first_bad_at
    from evaluations as e
    inner join cases as c on c.case_id = e.case_id
    where e.rated_at >= (select min(period_start) from periods)
        and (c.source_system = e.source_system or not exists (
            select 1 from cases as q
            where q.case_id = c.case_id and q.source_system <> c.source_system
        ))
    group by c.source_system, c.case_id
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

cohort as (
    select
        p.period_key,
        p.as_of,
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
        end as group_key,
        c.source_system,
        c.case_id,
        c.received_at,
        c.accepted_at,
        c.handed_off_at,
        c.first_response_at,
        c.due_at,
        c.closed_at,
        c.status,
        c.channel,
        c.center,
        c.visits,
        c.materials_required,
        c.materials_reused,
        c.immediate,
        c.resolved_on_site,
        c.reopened_at,
        c.responded,
        c.resolved,
        c.satisfaction,
        c.status <> 'cancelled' as is_live,
        c.status not in ('cancelled', 'returned') as is_handled,
        c.status not in ('cancelled', 'returned') and coalesce(c.closed_at < p.as_of, false) as is_closed
    from cases as c
    inner join periods as p
        on c.received_at >= p.period_start and c.received_at < p.period_end
    left join grids as u on u.grid_id = c.grid_id
    left join street_districts as sd on sd.street = coalesce(u.street, c.street)
    where (len($grids) = 0 or list_contains($grids, c.grid_id))
        and (len($districts) = 0 or list_contains($districts, coalesce(u.district, sd.district)))
        and (len($streets) = 0 or list_contains($streets, coalesce(u.street, c.street)))
        and (len($teams) = 0 or list_contains($teams, c.team))
        and (len($service_lines) = 0 or list_contains($service_lines, c.service_line))
        and (len($channels) = 0 or list_contains($channels, c.channel))
        and (len($centers) = 0 or list_contains($centers, c.center))
),

measured as (
    select
        k.*,
        case
            when not k.is_handled or k.due_at is null then null
            when k.is_closed then k.closed_at <= k.due_at
            when k.due_at < k.as_of then false
        end as on_time,
        case
            when k.is_closed and k.closed_at >= k.received_at
                then closed_day.worked_to_date - received_day.worked_to_date
        end as cycle_working_days,
        case
            when k.is_closed and k.closed_at >= k.received_at
                then epoch(k.closed_at - k.received_at) / 86400.0
        end as cycle_calendar_days,
        case
            when k.is_handled and k.handed_off_at < k.as_of and k.handed_off_at >= k.accepted_at
                then epoch(k.handed_off_at - k.accepted_at) / 3600.0
        end as handoff_hours,
        case
            -- service-centre applications have no "first response"; everything else is a resident request
            when not k.is_live or coalesce(k.center = 'service_center', false) then null
            when k.first_response_at < k.as_of then k.first_response_at <= k.received_at + interval 24 hour
            when k.received_at + interval 24 hour < k.as_of then false
        end as responded_in_time,
        k.is_closed and k.reopened_at < k.as_of
        and k.reopened_at <= k.closed_at + interval 30 day as is_reopened,
        k.is_handled and k.materials_required > 0 and k.materials_reused is not null as has_materials,
        k.is_closed and r.first_rated_at < k.as_of as is_rated,
        k.is_closed and r.first_bad_at < k.as_of as is_rated_bad
    from cohort as k
    left join workdays as received_day
        on received_day.day_number = datediff('day', $workday_epoch, k.received_at::date)
    left join workdays as closed_day
        on closed_day.day_number = datediff('day', $workday_epoch, k.closed_at::date)
    left join ratings as r on r.case_id = k.case_id and r.source_system = k.source_system
),

aggregated as (
    select
        period_key,
        group_key,
        count(*) as case_volume__value,
        count(*) filter (where on_time) as on_time_rate__num,
        count(on_time) as on_time_rate__den,
        quantile_cont(cycle_working_days, [0.5, 0.9]) as cycle_quantiles,
        count(cycle_working_days) as cycle_time__n,
        count(cycle_working_days) as cycle_time_p90__n,
        median(cycle_calendar_days) as cycle_time_calendar__value,
        count(cycle_calendar_days) as cycle_time_calendar__n,
        median(handoff_hours) as handoff_time__value,
        count(handoff_hours) as handoff_time__n,
        count(*) filter (where is_closed and immediate) as immediate_rate__num,
        count(*) filter (where is_closed and immediate is not null) as immediate_rate__den,
        count(*) filter (where is_closed and visits <= 1) as one_visit_rate__num,
        count(*) filter (where is_closed and visits is not null) as one_visit_rate__den,
        count(*) filter (
            where is_closed and channel in ('online', 'mobile') and coalesce(visits, 0) = 0
        ) as online_rate__num,
        count(*) filter (where is_closed and channel is not null) as online_rate__den,
        sum(materials_reused) filter (where has_materials) as materials_reuse__num,
        sum(materials_required) filter (where has_materials) as materials_reuse__den,
        count(*) filter (where has_materials) as materials_reuse__n,
        sum(materials_reused * materials_reused) filter (where has_materials) as materials_reuse__syy,
        sum(materials_required * materials_required) filter (where has_materials) as materials_reuse__sxx,
        sum(materials_reused * materials_required) filter (where has_materials) as materials_reuse__sxy,
        count(*) filter (where status = 'returned') as return_rate__num,
        count(*) filter (where is_live) as return_rate__den,
        count(*) filter (where is_rated) as rating_coverage__num,
        count(*) filter (where is_closed) as rating_coverage__den,
        count(*) filter (where is_rated_bad) as bad_per_1000__num,
        count(*) filter (where is_closed) as bad_per_1000__den,
        count(*) filter (where responded_in_time) as response_rate__num,
        count(responded_in_time) as response_rate__den,
        count(*) filter (where is_reopened) as reopen_rate__num,
        count(*) filter (where is_closed) as reopen_rate__den,
        count(*) filter (where is_closed and resolved_on_site) as on_site_rate__num,
        count(*) filter (where is_closed and resolved_on_site is not null) as on_site_rate__den,
        -- the 接诉即办 three rates as a 12345 work order records them (是否响应, 是否解决, 满意度)
        count(*) filter (where responded) as hotline_responded_rate__num,
        count(responded) as hotline_responded_rate__den,
        count(*) filter (where resolved) as hotline_resolved_rate__num,
        count(resolved) as hotline_resolved_rate__den,
        count(*) filter (
            where satisfaction in ('satisfied', 'basically_satisfied')
        ) as hotline_satisfied_rate__num,
        count(satisfaction) as hotline_satisfied_rate__den
    from measured
    group by period_key, group_key
),

final as (
    select
        * exclude (cycle_quantiles),
        cycle_quantiles[1] as cycle_time__value,
        cycle_quantiles[2] as cycle_time_p90__value
    from aggregated
)

select * from final
