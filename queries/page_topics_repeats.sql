-- purpose: repeat requests: a request (a case carrying request text) is a repeat when an earlier request of the
--          same category (matter) came from the same requester (applicant_key) or about the same address
--          (address_key, both keyed hashes) less than 30 days before it; counted per month and street
-- parameters: $start, $end_exclusive (received_at window of the counted requests, half-open; earlier requests
--             are looked up 30 days further back); $grids, $teams, $service_lines, $channels, $centers
--             (empty list = all)
-- grain: one row per (month, street)
with requests as (
    select
        c.source_system,
        c.case_id,
        c.received_at,
        c.matter,
        c.applicant_key,
        c.address_key,
        coalesce(c.street, g.street) as street
    from cases as c
    left join grids as g on c.grid_id = g.grid_id
    where c.received_at >= $start::timestamp - interval 30 day and c.received_at < $end_exclusive
        and c.request_text is not null and trim(c.request_text) <> ''
        and (len($grids) = 0 or list_contains($grids, c.grid_id))
        and (len($teams) = 0 or list_contains($teams, c.team))
        and (len($service_lines) = 0 or list_contains($service_lines, c.service_line))
        and (len($channels) = 0 or list_contains($channels, c.channel))
        and (len($centers) = 0 or list_contains($centers, c.center))
),

earlier_pairs as (
    -- two equality joins (requester, address) instead of one join on an OR, which would compare every pair
    select later.source_system, later.case_id
    from requests as later
    inner join requests as earlier
        on later.applicant_key = earlier.applicant_key and later.matter = earlier.matter
    where earlier.received_at >= later.received_at - interval 30 day
        -- strictly earlier; of two at the same minute, the one with the smaller id is the first
        and (
            earlier.received_at < later.received_at
            or (earlier.received_at = later.received_at and earlier.case_id < later.case_id)
        )
    union
    select later.source_system, later.case_id
    from requests as later
    inner join requests as earlier
        on later.address_key = earlier.address_key and later.matter = earlier.matter
    where earlier.received_at >= later.received_at - interval 30 day
        and (
            earlier.received_at < later.received_at
            or (earlier.received_at = later.received_at and earlier.case_id < later.case_id)
        )
),

flagged as (
    select
        r.street,
        date_trunc('month', r.received_at)::date as month,
        p.case_id is not null as is_repeat
    from requests as r
    left join earlier_pairs as p on r.source_system = p.source_system and r.case_id = p.case_id
    where r.received_at >= $start
)

select
    month,
    street,
    count(*) as requests,
    count(*) filter (where is_repeat) as repeats
from flagged
group by month, street
order by month, street
