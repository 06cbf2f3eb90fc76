-- purpose: partner-alliance activity (党建/物业/社创联盟) in the window by alliance and kind: activities,
--          participants, volunteer hours and purchased-service cost
-- parameters: $start, $end_exclusive
-- grain: one row per alliance × kind
select
    coalesce(alliance, 'unknown') as alliance,
    coalesce(kind, 'unknown') as kind,
    count(*) as activities,
    sum(participants) as participants,
    sum(volunteer_hours) as volunteer_hours,
    sum(cost_yuan) as cost_yuan,
    count(distinct org) as organisations
from partner_activities
where held_on >= $start and held_on < $end_exclusive
group by all
order by alliance, kind
