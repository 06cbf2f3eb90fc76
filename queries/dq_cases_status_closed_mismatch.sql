-- purpose: data-quality check (should return no rows): status and closing time disagree (closed without a
--          closing time, or a closing time on a case still open)
-- parameters: none
-- grain: one row per offending case
select source_system, source_file_id, case_id, status, closed_at
from cases
where (status = 'closed' and closed_at is null)
    or (status in ('received', 'in_progress') and closed_at is not null)
order by source_file_id, case_id
