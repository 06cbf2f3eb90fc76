-- purpose: the rejected rows of one import with file, line, column and reason (values were protected at import)
-- parameters: $import_id, $max_rows
-- grain: one row per rejected cell
select r.file_name, r.line, r.column_name, r.value, r.reason
from rejects as r
where r.import_id = $import_id
order by r.line, r.column_name
limit $max_rows
