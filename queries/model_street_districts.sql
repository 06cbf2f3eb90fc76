-- purpose: the street lookup model: each street with its district, read from the grids table (a street lies in
--          one district). The hierarchy rule of queries/unit_hierarchy.sql: a case's street is its grid's when
--          the grid is known, else cases.street; its district is its grid's, else its street's (this lookup).
--          Read as filtered_street_districts (no dimensions, so every street) by the case models
-- parameters: none
-- grain: one row per street
with final as (
    select
        street,
        max(district) as district
    from grids
    where street is not null
    group by street
)

select * from final
