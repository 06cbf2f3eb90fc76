-- purpose: tasks departments tried to push down to the community (准入申请) in the window, by decision and
--          reason, with how many came with funding (费随事转)
-- parameters: $start, $end_exclusive
-- grain: one row per decision × reason
select
    coalesce(decision, 'pending') as decision,
    coalesce(reason, 'none') as reason,
    count(*) as requests,
    count(*) filter (where funded) as funded_requests,
    count(distinct dept) as departments
from access_requests
where received_at >= $start and received_at < $end_exclusive
group by all
order by decision asc, requests desc
