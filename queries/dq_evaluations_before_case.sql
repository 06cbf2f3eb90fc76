-- purpose: data-quality check (should return no rows): ratings given before their case was received
-- parameters: none
-- grain: one row per offending evaluation
select e.source_system, e.source_file_id, e.eval_id, e.case_id, e.rated_at, c.received_at
from evaluations as e
inner join cases as c on c.case_id = e.case_id
where e.rated_at < c.received_at
order by e.source_file_id, e.eval_id
