-- purpose: the rejects of one import with file, line, column and reason (values were protected at import);
--          quarantined = only that value was set aside (stored as NULL) and the row loaded
-- parameters: $import_id, $max_rows
-- grain: one row per rejected or set-aside cell
select r.file_name, r.line, r.column_name, r.value, r.reason, r.quarantined
from rejects as r
where r.import_id = $import_id
order by r.line, r.column_name
limit $max_rows
