-- purpose: the grid with the most cases, used as the benchmark's narrow filter (one grid, one month)
-- parameters: none
-- grain: one row
select grid_id, count(*) as cases
from cases
where grid_id is not null
group by grid_id
order by cases desc, grid_id
limit 1
