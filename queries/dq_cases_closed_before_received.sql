-- purpose: data-quality check (should return no rows): cases closed before they were received. The importer sets
--          such a closing time aside (the case loads with closed_at NULL; rejects lists the value, quarantined,
--          with the reason 'closed before received', ORDER_RULES in jianfu/ingest/validate.py), so this counts
--          those of loaded imports as well as any such case in the table itself
-- parameters: none
-- grain: one row per offending case
with set_aside as (
    select
        r.import_id as source_file_id, r.file_name, r.line, cast(null as varchar) as case_id,
        r.value as closed_at_written,
        'set aside at import' as found
    from rejects as r
    inner join import_log as l on l.import_id = r.import_id
    where r.quarantined and r.reason = 'closed before received' and l.target = 'cases' and l.outcome = 'loaded'
),

in_table as (
    select
        c.source_file_id, l.file_name, cast(null as bigint) as line, c.case_id,
        cast(c.closed_at as varchar) as closed_at_written,
        'in cases' as found
    from cases as c
    left join import_log as l on l.import_id = c.source_file_id
    where c.closed_at < c.received_at
),

final as (
    select * from set_aside
    union all
    select * from in_table
)

select * from final
order by source_file_id, line, case_id
