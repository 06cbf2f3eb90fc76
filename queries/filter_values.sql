-- purpose: the grid and service-line values the warehouse knows, to reject unknown filter values by name
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

final as (
    select 'grid_id' as dimension, value from grid_values
    where value is not null
    union all
    select 'service_line' as dimension, value from service_line_values
    where value is not null
)

select * from final
