-- purpose: inspections, checks and appraisals demanded of the community in each period, as a per-quarter
--          pace over the days the period covers, with the unplanned and photo-evidence shares and staff hours
-- parameters: $periods (list of {period_key, period_start, period_end, as_of}, one per period);
--             $by (only 'all': inspections concern the whole community)
-- grain: one row per period_key; KPI columns named <kpi_id>__<part> (jianfu/metrics/README.md)
with periods as (
    select unnest($periods, recursive := true)
),

held as (
    select
        p.period_key,
        i.source_system,  -- with the id, the row's identity (the drill-down joins back on both)
        i.inspection_id,
        i.in_annual_plan,
        i.photo_evidence_required,
        i.staff_hours
    from inspections as i
    inner join periods as p
        on i.held_on >= p.period_start and i.held_on < least(p.period_end, p.as_of)
),

counted as (
    select
        period_key,
        count(*) as inspections,
        count(*) filter (where not in_annual_plan) as unplanned,
        count(in_annual_plan) as plan_known,
        count(*) filter (where photo_evidence_required) as with_photos,
        count(photo_evidence_required) as photos_known,
        sum(staff_hours) as staff_hours
    from held
    group by period_key
),

final as (
    select
        p.period_key,
        null::varchar as group_key,
        coalesce(c.inspections, 0) as inspections_rate__num,
        -- days covered: up to the end of the data for a partial period, counted in whole days
        datediff('day', p.period_start, least(
            p.period_end, date_trunc('day', p.as_of - interval 1 microsecond)
            + interval 1 day
        )) as inspections_rate__den,
        c.unplanned / nullif(c.plan_known, 0) as inspections_rate__x_unplanned_share,
        c.with_photos / nullif(c.photos_known, 0) as inspections_rate__x_photo_evidence_share,
        c.staff_hours as inspections_rate__x_staff_hours
    from periods as p
    left join counted as c on c.period_key = p.period_key
)

select * from final
