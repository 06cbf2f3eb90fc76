-- purpose: the codes the global filter bar offers: districts and streets (also streets only cases name), grids
--          (with names, also grids only cases mention), and the teams, service lines and channels seen in cases
-- parameters: none
-- grain: one row per (dimension, code)
with grid_codes as (
    select 'grid' as dimension, grid_id as code, name as label from grids
    union
    select distinct 'grid', grid_id, null from cases
    where grid_id is not null and grid_id not in (select grid_id from grids)
),

unit_codes as (
    select distinct 'district' as dimension, district as code, null as label from grids
    where district is not null
    union
    select distinct 'street', street, null from grids
    where street is not null
    union
    select distinct 'street', street, null from cases
    where street is not null
),

case_codes as (
    select distinct 'team' as dimension, team as code, null as label from cases
    where team is not null
    union
    select distinct 'service_line', service_line, null from cases
    where service_line is not null
    union
    select distinct 'channel', channel, null from cases
    where channel is not null
),

final as (
    select * from grid_codes
    union
    select * from unit_codes
    union
    select * from case_codes
)

select * from final
order by dimension, code
