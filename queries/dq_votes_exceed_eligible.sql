-- purpose: data-quality check (should return no rows): micro-projects with more votes than eligible voters
-- parameters: none
-- grain: one row per offending project
select source_system, source_file_id, project_id, votes_for, votes_against, eligible_voters
from micro_projects
where coalesce(votes_for, 0) + coalesce(votes_against, 0) > eligible_voters
order by source_file_id, project_id
