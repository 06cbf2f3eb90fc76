-- purpose: the grid, service-line, street and district values the warehouse knows, to reject unknown
--          filter values by name
-- parameters: none
-- grain: one row per (dimension, value)
with grid_values as (
    select grid_id as value from grids
    union
    select grid_id from cases
    union
    select grid_id from survey_responses
    union
    select grid_id from micro_projects
    union
    select grid_id from workers
),

service_line_values as (
    select distinct service_line as value from cases
),

unit_values as (
    -- a case without a grid names its street (cases.street, see queries/unit_hierarchy.sql)
    select 'street' as dimension, street as value from grids
    union
    select 'street' as dimension, street from cases
    union
    select 'district' as dimension, district from grids
),

final as (
    select 'grid_id' as dimension, value from grid_values
    where value is not null
    union all
    select 'service_line' as dimension, value from service_line_values
    where value is not null
    union all
    select dimension, value from unit_values
    where value is not null
)

select * from final
