-- purpose: how many working days the cases received in the window took to close, in bands (the throughput
--          page's cycle-time distribution): the cases base model under the filters (filtered_cases), the rows
--          the cycle_time card's median is taken over
-- parameters: $periods (the window as one period, jianfu/ui/data.py); $grids, $teams, $service_lines,
--             $channels, $centers, $districts, $streets (empty list = all, applied by filtered_cases);
--             $workday_epoch, $workday_cum (jianfu.calendar.sql_params(), read by the model)
-- grain: one row per (center, band)
with banded as (
    select
        coalesce(center, 'unknown') as center,
        case
            when cycle_working_days <= 5 then cycle_working_days
            when cycle_working_days <= 10 then 6
            when cycle_working_days <= 20 then 7
            when cycle_working_days <= 30 then 8
            else 9
        end as band_order
    from filtered_cases
    where cycle_working_days is not null
),

final as (
    select
        center,
        band_order,
        ['0', '1', '2', '3', '4', '5', '6–10', '11–20', '21–30', '>30'][band_order + 1] as band,
        count(*) as cases
    from banded
    group by center, band_order
)

select * from final
order by center, band_order
