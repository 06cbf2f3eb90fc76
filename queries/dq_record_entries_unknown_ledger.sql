-- purpose: data-quality check (should return no rows): record entries for a ledger the inventory does not hold
-- parameters: none
-- grain: one row per offending entry
select r.source_system, r.source_file_id, r.entry_id, r.ledger_id, r.recorded_at
from record_entries as r
where not exists (
        select 1 from ledgers as l
        where l.ledger_id = r.ledger_id
    )
order by r.source_file_id, r.entry_id
