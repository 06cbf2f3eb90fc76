-- purpose: each case's place in the hierarchy district > street > community > grid. A case's street is its
--          grid's street when the grid is known, else the street office its work order names (cases.street,
--          承办单位: a 12345 work order often names no grid); its district is its grid's district, else its
--          street's (a street lies in one district, read from the grids table). The KPI queries on cases
--          apply the same rule in their cohort (the `units` join), so a filter and this view agree
-- parameters: none
-- grain: one row per case (source_system, case_id)
with final as (
    select
        c.source_system,
        c.case_id,
        c.grid_id,
        g.community,
        coalesce(g.street, c.street) as street,
        coalesce(g.district, sd.district) as district
    from cases as c
    left join grids as g on g.grid_id = c.grid_id
    left join filtered_street_districts as sd on sd.street = coalesce(g.street, c.street)
)

select * from final
