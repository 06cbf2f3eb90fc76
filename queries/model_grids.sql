-- purpose: the grids base model: every grid of the grids table with its size and its place in the hierarchy;
--          read under the grid filter as filtered_grids (the report's grid list, the grids page's profile)
-- parameters: none
-- grain: one row per grid
with final as (
    select
        grid_id,
        name,
        kind,
        community,
        households,
        residents,
        street,
        district
    from grids
)

select * from final
