-- purpose: the grids a monthly report covers, with their names and the community they belong to (for the cover
--          and the grid table)
-- parameters: $grids (list of grid_id; empty = every grid)
-- grain: one row per grid
select
    grid_id,
    name,
    kind,
    community
from grids
where len($grids) = 0 or list_contains($grids, grid_id)
order by grid_id
