-- purpose: the units the warehouse knows at each level of district > street > community > grid: every grid with
--          its community, street and district, plus the streets only cases name (12345 work orders without a
--          grid, cases.street) with their district when the grids table knows the street
-- parameters: none
-- grain: one row per grid, plus one row (grid_id null) per street no grid carries
with grid_units as (
    select
        grid_id,
        community,
        street,
        district
    from grids
),

case_streets as (
    select distinct c.street
    from cases as c
    where c.street is not null
        and not exists (
            select 1 from grids as g
            where g.street = c.street
        )
),

final as (
    select grid_id, community, street, district from grid_units
    union all
    select
        null as grid_id,
        null as community,
        street,
        null as district
    from case_streets
)

select * from final
