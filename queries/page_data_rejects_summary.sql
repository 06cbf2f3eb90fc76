-- purpose: rejects counted by import, column, reason and whether the row loaded without the value (quarantined),
--          so the commonest problem shows first
-- parameters: none
-- grain: one row per (import, column, reason, quarantined)
select
    r.import_id, r.file_name, r.column_name, r.reason, r.quarantined, count(*) as rejected_rows,
    min(r.line) as first_line
from rejects as r
group by all
order by rejected_rows desc, r.import_id desc, r.column_name asc
