-- purpose: public 差评 (window/online/sms rating ≤ 2, as in kpi_evaluations.sql) whose rectification (verified
--          ones) or callback (real-name ones) is still missing after the rectification deadline, at the end of
--          the window: the work list behind 差评按期整改率 and 实名差评回访率. No comment or requester column:
--          the list carries no personal data. A 差评 rated before the window shows while it is still open work.
-- parameters: $end_exclusive (the moment overdue is judged); $grids, $teams, $service_lines, $channels, $centers
--             (empty list = all; they select through the rated case)
--             $case_streets (with $grids a street or district filter became: the streets whose cases without a
--             grid it takes in, jianfu/metrics/units.py; empty = none)
-- grain: one row per overdue bad rating
with rated_cases as (
    -- the cases ratings name; a case id is unique only within its exporting system: a rating names its own
    -- system's case with that id, else the only case carrying it; an id other systems share names no case
    -- (jianfu/references.py)
    select *, count(*) over (partition by case_id) as systems_with_id
    from cases
    where case_id in (select case_id from evaluations)
),

bad as (
    select
        e.eval_id, e.case_id, e.rated_at, e.rating, e.source, e.realname, e.verified,
        e.rectify_due_at, e.rectified_at, e.callback_at,
        c.service_line, c.grid_id, c.team
    from evaluations as e
    left join rated_cases as c
        on c.case_id = e.case_id
            and (c.source_system = e.source_system or c.systems_with_id = 1)
    where e.rating <= 2
        and coalesce(e.source, 'window') in ('window', 'online', 'sms')
        and e.rated_at < $end_exclusive
        and (
            len($grids) = 0 or list_contains($grids, c.grid_id)
            or c.grid_id is null and list_contains($case_streets, c.street)
        )
        and (len($teams) = 0 or list_contains($teams, c.team))
        and (len($service_lines) = 0 or list_contains($service_lines, c.service_line))
        and (len($channels) = 0 or list_contains($channels, c.channel))
        and (len($centers) = 0 or list_contains($centers, c.center))
),

judged as (
    select
        *,
        coalesce(verified, false)
        and rectify_due_at < $end_exclusive::timestamp
        and (rectified_at is null or rectified_at >= $end_exclusive::timestamp) as rectify_overdue,
        coalesce(realname, false)
        and rectify_due_at < $end_exclusive::timestamp
        and (callback_at is null or callback_at >= $end_exclusive::timestamp) as callback_overdue
    from bad
),

final as (
    select
        eval_id, case_id, rated_at, rating, source, service_line, grid_id, team,
        rectify_due_at, rectified_at, callback_at,
        coalesce(rectify_overdue, false) as rectify_overdue,
        coalesce(callback_overdue, false) as callback_overdue,
        date_diff('day', rectify_due_at, $end_exclusive::timestamp) as days_past_due
    from judged
    where coalesce(rectify_overdue, false) or coalesce(callback_overdue, false)
)

select * from final
order by days_past_due desc nulls last, rated_at asc
