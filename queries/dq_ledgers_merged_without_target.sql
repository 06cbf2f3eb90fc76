-- purpose: data-quality check (should return no rows): ledgers marked merged that do not say into which ledger
-- parameters: none
-- grain: one row per offending ledger version
select source_system, source_file_id, ledger_id, name, valid_from
from ledgers
where status = 'merged' and merged_into is null
order by source_file_id, ledger_id, valid_from
