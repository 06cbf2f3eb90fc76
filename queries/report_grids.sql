-- purpose: the grids a monthly report covers, with their names and the community they belong to (for the cover
--          and the grid table)
-- parameters: $grids (list of grid_id; empty = every grid; applied by filtered_grids, the grids base model)
-- grain: one row per grid
select
    grid_id,
    name,
    kind,
    community
from filtered_grids
order by grid_id
