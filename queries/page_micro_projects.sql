-- purpose: the micro-projects proposed in the window, one line each: stage, votes, turnout, delivery against
--          the due date, acceptance rating and budget; the micro-projects base model under the filters
--          (filtered_micro_projects), the projects the proposal funnel card counts
-- parameters: $periods (the window as one period, jianfu/ui/data.py); $grids (list, empty = all, applied by
--             filtered_micro_projects)
-- grain: one row per project
select
    p.project_id,
    p.title,
    p.category,
    p.grid_id,
    p.stage,
    p.proposed_at::date as proposed_on,
    p.votes_for,
    p.votes_against,
    p.eligible_voters,
    -- as vote_turnout counts it: no turnout before the vote (votes_for empty)
    (p.votes_for + coalesce(p.votes_against, 0)) / nullif(p.eligible_voters, 0) as turnout,
    p.due_at::date as due_on,
    p.completed_at::date as completed_on,
    p.completed_at <= p.due_at as delivered_on_time,
    p.acceptance_rating,
    p.budget_yuan
from filtered_micro_projects as f
-- the model carries the project's identity: its system and id
inner join micro_projects as p on p.project_id = f.project_id and p.source_system = f.source_system
where f.is_proposed_in
order by p.proposed_at desc, p.project_id asc
