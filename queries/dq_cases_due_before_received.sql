-- purpose: data-quality check (should return no rows): cases whose promised deadline precedes their receipt
-- parameters: none
-- grain: one row per offending case
select source_system, source_file_id, case_id, received_at, due_at
from cases
where due_at < received_at
order by source_file_id, case_id
