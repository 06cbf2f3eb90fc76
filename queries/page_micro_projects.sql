-- purpose: the micro-projects proposed in the window, one line each: stage, votes, turnout, delivery against
--          the due date, acceptance rating and budget
-- parameters: $start, $end_exclusive, $grids (list, empty = all)
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
from micro_projects as p
where p.proposed_at >= $start and p.proposed_at < $end_exclusive
    and (len($grids) = 0 or list_contains($grids, p.grid_id))
order by p.proposed_at desc, p.project_id asc
