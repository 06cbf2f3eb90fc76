-- purpose: the community work-item list (工作事项清单) in force at the window end, by category
-- parameters: $end_exclusive
-- grain: one row per category
select
    category,
    count(*) as items,
    count(*) filter (where funded) as funded_items,
    count(*) filter (where grid_list) as grid_list_items,
    count(distinct dept) as departments
from work_items
where coalesce(valid_from < $end_exclusive, true)
    and coalesce(valid_to >= $end_exclusive, true)
group by category
order by category
