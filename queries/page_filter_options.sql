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
    -- a street's label is its district (a district leader is offered the streets of their district)
    select distinct 'district' as dimension, district as code, null as label from grids
    where district is not null
    union
    select 'street', street, max(district) from grids
    where street is not null
    group by street
    union
    select distinct 'street', c.street, null from cases as c
    where c.street is not null
        and not exists (
            select 1 from grids as g
            where g.street = c.street
        )
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
