-- purpose: alliance partners' effort in each period: volunteer hours, purchased-service cost, hours by alliance
-- parameters: $periods (list of {period_key, period_start, period_end, as_of}, one per period);
--             $by (only 'all': partner activities carry no grid, team or service line)
-- grain: one row per period_key × group_key; KPI columns named <kpi_id>__<part> (jianfu/metrics/README.md)
with periods as (
    select unnest($periods, recursive := true)
),

activities as (
    select
        p.period_key,
        a.alliance,
        a.volunteer_hours,
        a.cost_yuan
    from partner_activities as a
    inner join periods as p
        on a.held_on >= p.period_start and a.held_on < p.period_end
),

final as (
    select
        period_key,
        null::varchar as group_key,
        sum(volunteer_hours) as partner_hours__value,
        count(volunteer_hours) as partner_hours__n,
        sum(cost_yuan) as partner_hours__x_cost_yuan,
        sum(volunteer_hours) filter (where alliance = 'party_building') as partner_hours__x_party_building_hours,
        sum(volunteer_hours) filter (where alliance = 'property') as partner_hours__x_property_hours,
        sum(volunteer_hours) filter (where alliance = 'social_innovation')
            as partner_hours__x_social_innovation_hours
    from activities
    group by period_key
)

select * from final
