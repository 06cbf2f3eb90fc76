-- purpose: inspections (督查检查) per quarter over the two years up to the window end, split planned /
--          unplanned, with photo-evidence demands and staff hours
-- parameters: $end_exclusive
-- grain: one row per quarter × plan status
with recent as (
    select
        strftime(held_on, '%Y') || '-Q' || quarter(held_on) as quarter,
        case
            when in_annual_plan then 'planned'
            when not in_annual_plan then 'unplanned'
            else 'unknown'
        end as plan_status,
        photo_evidence_required,
        staff_hours
    from inspections
    where held_on >= date_trunc('quarter', $end_exclusive - interval 2 year)
        and held_on < $end_exclusive
),

final as (
    select
        quarter,
        plan_status,
        count(*) as inspections,
        count(*) filter (where photo_evidence_required) as photo_evidence,
        sum(staff_hours) as staff_hours
    from recent
    group by all
)

select * from final
order by quarter, plan_status
