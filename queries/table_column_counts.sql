-- purpose: how many rows each canonical table holds ("*") and how many non-null values each of its columns has,
--          so a KPI whose inputs hold no data reports "missing input" instead of 0 (one scan per table)
-- parameters: none
-- grain: one row per table × column, plus one per table with column_name = '*' (its row count)
-- the "*" column is count(*): unpivot names each count after its column
-- noqa: disable=RF05
with counts as (
    select 'cases' as table_name, column_name, non_null
    from (
        unpivot (select count(*) as "*", count(columns(*)) from cases)
        on columns(*) into name column_name value non_null
    )
    union all
    select 'evaluations' as table_name, column_name, non_null
    from (
        unpivot (select count(*) as "*", count(columns(*)) from evaluations)
        on columns(*) into name column_name value non_null
    )
    union all
    select 'survey_responses' as table_name, column_name, non_null
    from (
        unpivot (select count(*) as "*", count(columns(*)) from survey_responses)
        on columns(*) into name column_name value non_null
    )
    union all
    select 'survey_answers' as table_name, column_name, non_null
    from (
        unpivot (select count(*) as "*", count(columns(*)) from survey_answers)
        on columns(*) into name column_name value non_null
    )
    union all
    select 'survey_items' as table_name, column_name, non_null
    from (
        unpivot (select count(*) as "*", count(columns(*)) from survey_items)
        on columns(*) into name column_name value non_null
    )
    union all
    select 'ledgers' as table_name, column_name, non_null
    from (
        unpivot (select count(*) as "*", count(columns(*)) from ledgers)
        on columns(*) into name column_name value non_null
    )
    union all
    select 'record_entries' as table_name, column_name, non_null
    from (
        unpivot (select count(*) as "*", count(columns(*)) from record_entries)
        on columns(*) into name column_name value non_null
    )
    union all
    select 'inspections' as table_name, column_name, non_null
    from (
        unpivot (select count(*) as "*", count(columns(*)) from inspections)
        on columns(*) into name column_name value non_null
    )
    union all
    select 'work_items' as table_name, column_name, non_null
    from (
        unpivot (select count(*) as "*", count(columns(*)) from work_items)
        on columns(*) into name column_name value non_null
    )
    union all
    select 'access_requests' as table_name, column_name, non_null
    from (
        unpivot (select count(*) as "*", count(columns(*)) from access_requests)
        on columns(*) into name column_name value non_null
    )
    union all
    select 'micro_projects' as table_name, column_name, non_null
    from (
        unpivot (select count(*) as "*", count(columns(*)) from micro_projects)
        on columns(*) into name column_name value non_null
    )
    union all
    select 'grids' as table_name, column_name, non_null
    from (
        unpivot (select count(*) as "*", count(columns(*)) from grids)
        on columns(*) into name column_name value non_null
    )
    union all
    select 'workers' as table_name, column_name, non_null
    from (
        unpivot (select count(*) as "*", count(columns(*)) from workers)
        on columns(*) into name column_name value non_null
    )
    union all
    select 'time_use' as table_name, column_name, non_null
    from (
        unpivot (select count(*) as "*", count(columns(*)) from time_use)
        on columns(*) into name column_name value non_null
    )
    union all
    select 'partner_activities' as table_name, column_name, non_null
    from (
        unpivot (select count(*) as "*", count(columns(*)) from partner_activities)
        on columns(*) into name column_name value non_null
    )
)

select * from counts
