-- purpose: open cases at the end of the window by age band, split into within and past the promised deadline
--          (the throughput page's backlog ageing chart): the backlog base model under the filters
--          (filtered_backlog), aged in calendar days at the as-of time as the backlog card's ageing detail, so
--          the bars add up to the backlog card
-- parameters: $periods (the window as one period, jianfu/ui/data.py); $grids, $teams, $service_lines,
--             $channels, $centers, $districts, $streets (empty list = all, applied by filtered_backlog)
-- grain: one row per (age_band, past_due)
with banded as (
    select
        case
            when age_days <= 7 then 1
            when age_days <= 30 then 2
            when age_days <= 90 then 3
            else 4
        end as band_order,
        coalesce(is_past_due, false) as past_due
    from filtered_backlog
),

final as (
    select
        band_order,
        ['0_7', '8_30', '31_90', 'over_90'][band_order] as age_band,
        past_due,
        count(*) as cases
    from banded
    group by band_order, past_due
)

select * from final
order by band_order, past_due
