-- purpose: data-quality check (should return no rows): the same key twice within one source system (an
--          import upserts on the key, so a duplicate means two rows claim to be the same thing)
-- parameters: none
-- grain: one row per (table, source system, key) that occurs more than once
with keyed as (
    select 'cases' as table_name, source_system, case_id as row_key from cases
    union all
    select 'evaluations', source_system, eval_id from evaluations
    union all
    select 'survey_responses', source_system, response_id from survey_responses
    union all
    select 'survey_answers', source_system, response_id || ' / ' || item from survey_answers
    union all
    select 'survey_items', source_system, item from survey_items
    union all
    select 'ledgers', source_system, ledger_id || ' / ' || valid_from from ledgers
    union all
    select 'record_entries', source_system, entry_id from record_entries
    union all
    select 'inspections', source_system, inspection_id from inspections
    union all
    select 'work_items', source_system, item_id from work_items
    union all
    select 'access_requests', source_system, request_id from access_requests
    union all
    select 'micro_projects', source_system, project_id from micro_projects
    union all
    select 'grids', source_system, grid_id from grids
    union all
    select 'workers', source_system, worker_id from workers
    union all
    select 'time_use', source_system, worker_id || ' / ' || week from time_use
    union all
    select 'partner_activities', source_system, activity_id from partner_activities
),

final as (
    select table_name, source_system, row_key, count(*) as copies
    from keyed
    group by all
    having count(*) > 1
)

select * from final
order by table_name, source_system, row_key
