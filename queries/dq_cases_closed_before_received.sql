-- purpose: data-quality check (should return no rows): cases closed before they were received
-- parameters: none
-- grain: one row per offending case
select source_system, source_file_id, case_id, received_at, closed_at
from cases
where closed_at < received_at
order by source_file_id, case_id
