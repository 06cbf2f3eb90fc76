-- purpose: data-quality check (should return no rows): a worker's week with more admin plus field hours than
--          the week has (168)
-- parameters: none
-- grain: one row per offending worker-week
select source_system, source_file_id, worker_id, week, hours_admin, hours_field
from time_use
where coalesce(hours_admin, 0) + coalesce(hours_field, 0) > 168
order by source_file_id, worker_id, week
