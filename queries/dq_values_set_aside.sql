-- purpose: data-quality check (should return no rows): values the importer set aside (stored as NULL) while their
--          row loaded, e.g. a closing time before the received time or an unknown channel; by loaded import,
--          column and reason
-- parameters: none
-- grain: one row per value set aside
select r.import_id as source_file_id, r.file_name, r.line, r.column_name, r.value, r.reason
from rejects as r
inner join import_log as l on l.import_id = r.import_id
where r.quarantined and l.outcome = 'loaded'
order by r.import_id, r.line, r.column_name
