-- purpose: the grids inside the chosen districts and streets, for the queries over tables that know a grid but
--          no street (survey responses, micro-projects, visits …): there a street filter is a grid filter
-- parameters: $districts, $streets (lists, empty = no filter on that level)
-- grain: one row per grid (with its street)
with final as (
    select
        g.grid_id,
        g.street
    from grids as g
    where (len($districts) = 0 or list_contains($districts, g.district))
        and (len($streets) = 0 or list_contains($streets, g.street))
)

select * from final
