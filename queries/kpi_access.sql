-- purpose: 准入 — requests by departments to push tasks down to the community, received in each period:
--          refused share of the decided ones, share refused as outside the work list, funded share of admitted
-- parameters: $periods (list of {period_key, period_start, period_end, as_of}, one per period);
--             $by (only 'all')
-- grain: one row per period_key; KPI columns named <kpi_id>__<part> (jianfu/metrics/README.md)
with periods as (
    select unnest($periods, recursive := true)
),

requests as (
    select
        p.period_key,
        a.decision,
        a.reason,
        a.funded
    from access_requests as a
    inner join periods as p
        on a.received_at >= p.period_start and a.received_at < p.period_end
),

final as (
    select
        period_key,
        null::varchar as group_key,
        count(*) filter (where decision = 'refused') as access_refusals__num,
        count(*) filter (where decision in ('admitted', 'refused')) as access_refusals__den,
        count(*) as access_refusals__x_requests,
        count(*) filter (where decision = 'pending') as access_refusals__x_pending,
        count(*) filter (where reason = 'not_on_list') / nullif(count(*), 0) as access_refusals__x_outside_list_share,
        count(*) filter (where decision = 'admitted' and funded)
        / nullif(count(funded) filter (where decision = 'admitted'), 0) as access_refusals__x_admitted_funded_share
    from requests
    group by period_key
)

select * from final
