-- purpose: 民生微实事 KPIs; each reads the projects whose own event falls in the period: the funnel those
--          proposed, turnout and lead time those voted, on-time delivery those due, acceptance those completed
-- parameters: $periods (list of {period_key, period_start, period_end, as_of}, one per period);
--             $by ('all' or 'grid_id'); $grids (list, empty = no filter)
-- grain: one row per period_key × group_key; KPI columns named <kpi_id>__<part> (jianfu/metrics/README.md)
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

projects as (
    select
        p.period_key,
        case $by when 'grid_id' then m.grid_id end as group_key,
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
    where len($grids) = 0 or list_contains($grids, m.grid_id)
),

final as (
    select
        period_key,
        group_key,
        count(*) filter (where is_proposed_in and reached_done) as proposal_funnel__num,
        count(*) filter (where is_proposed_in) as proposal_funnel__den,
        count(*) filter (where is_proposed_in and reached_sorted) as proposal_funnel__x_sorted,
        count(*) filter (where is_proposed_in and reached_review) as proposal_funnel__x_council_review,
        count(*) filter (where is_proposed_in and reached_vote) as proposal_funnel__x_voted,
        count(*) filter (where is_proposed_in and reached_start) as proposal_funnel__x_started,
        count(*) filter (where is_proposed_in and reached_done) as proposal_funnel__x_done,
        count(*) filter (where is_proposed_in and stage = 'rejected') as proposal_funnel__x_rejected,
        sum(votes_cast) filter (where is_voted_in and has_turnout) as vote_turnout__num,
        sum(eligible_voters) filter (where is_voted_in and has_turnout) as vote_turnout__den,
        count(*) filter (where is_voted_in and has_turnout) as vote_turnout__n,
        sum(votes_cast * votes_cast) filter (where is_voted_in and has_turnout) as vote_turnout__syy,
        sum(eligible_voters * eligible_voters) filter (where is_voted_in and has_turnout) as vote_turnout__sxx,
        sum(votes_cast * eligible_voters) filter (where is_voted_in and has_turnout) as vote_turnout__sxy,
        count(*) filter (where is_due_in and delivered_on_time) as project_on_time__num,
        count(delivered_on_time) filter (where is_due_in) as project_on_time__den,
        count(*) filter (where is_completed_in and acceptance_rating >= 4) as project_acceptance__num,
        count(acceptance_rating) filter (where is_completed_in) as project_acceptance__den,
        median(lead_days) filter (where is_voted_in) as proposal_lead_time__value,
        count(lead_days) filter (where is_voted_in) as proposal_lead_time__n
    from projects
    group by period_key, group_key
)

select * from final
