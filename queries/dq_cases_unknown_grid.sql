-- purpose: data-quality check (should return no rows): cases in a grid the grids table does not list, which
--          leaves them out of every per-1,000-residents figure
-- parameters: none
-- grain: one row per unknown grid id
select c.grid_id, count(*) as cases, min(c.source_file_id) as first_source_file_id
from cases as c
where c.grid_id is not null
    and exists (select 1 from grids)
    and not exists (
        select 1 from grids as g
        where g.grid_id = c.grid_id
    )
group by c.grid_id
order by c.grid_id
