-- purpose: the micro-projects base model: every project in each period, with flags saying whether its own
--          events fall in the period (proposed, voted, due, completed) and how far along it was at the as-of
--          time; each 民生微实事 KPI reads the projects whose event it is about (kpi_micro_projects, generated
--          by jianfu/metrics/view.py)
-- parameters: $periods (list of {period_key, period_start, period_end, as_of}, one per period)
-- grain: one row per period_key × micro-project
with periods as (
    select unnest($periods, recursive := true)
),

stage_order as (
    -- how far along the stage list a project's current stage is (rejected projects count by their timestamps)
    select * from (
        values
        ('proposed', 0), ('sorted', 1), ('council_review', 2), ('voting', 3), ('in_progress', 4),
        ('accepted', 5), ('done', 6), ('rejected', -1)
    -- a values list needs its alias to name its columns
    ) as t (stage, stage_rank)  -- noqa: AL05
),

final as (
    select
        p.period_key,
        m.grid_id,
        m.source_system,  -- with the id, the project's identity (the drill-down joins back on both)
        m.project_id,
        m.proposed_at >= p.period_start and m.proposed_at < p.period_end as is_proposed_in,
        m.due_at >= p.period_start and m.due_at < p.period_end as is_due_in,
        m.completed_at >= p.period_start and m.completed_at < least(p.period_end, p.as_of) as is_completed_in,
        m.voted_at >= p.period_start and m.voted_at < least(p.period_end, p.as_of)
        and m.voted_at >= m.proposed_at as is_voted_in,
        m.eligible_voters > 0 and m.votes_for is not null as has_turnout,
        m.votes_for + coalesce(m.votes_against, 0) as votes_cast,
        m.eligible_voters,
        epoch(m.voted_at - m.proposed_at) / 86400.0 as lead_days,
        m.stage,
        m.acceptance_rating,
        m.sorted_at < p.as_of or (m.sorted_at is null and s.stage_rank >= 1) as reached_sorted,
        m.reviewed_at < p.as_of or (m.reviewed_at is null and s.stage_rank >= 2) as reached_review,
        m.voted_at < p.as_of or (m.voted_at is null and s.stage_rank >= 3) as reached_vote,
        m.started_at < p.as_of or (m.started_at is null and s.stage_rank >= 4) as reached_start,
        m.completed_at < p.as_of or (m.completed_at is null and s.stage_rank >= 6) as reached_done,
        case
            when m.stage = 'rejected' or m.due_at is null then null
            when m.completed_at < p.as_of then m.completed_at <= m.due_at
            when m.due_at < p.as_of then false
        end as delivered_on_time
    from micro_projects as m
    cross join periods as p
    left join stage_order as s on s.stage = m.stage
)

select * from final
