-- purpose: the import history for the Data page, newest first
-- parameters: none
-- grain: one row per import
select
    import_id, file_name, target, mapping, rows_read, rows_loaded, rows_updated, rows_rejected,
    started_at, finished_at, who, outcome, undone_at, message
from import_log
order by import_id desc
