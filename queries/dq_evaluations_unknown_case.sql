-- purpose: data-quality check (should return no rows): ratings that name a case the warehouse does not hold
-- parameters: none
-- grain: one row per offending evaluation
select e.source_system, e.source_file_id, e.eval_id, e.case_id, e.rated_at
from evaluations as e
where e.case_id is not null
    and not exists (
        select 1 from cases as c
        where c.case_id = e.case_id
    )
order by e.source_file_id, e.eval_id
