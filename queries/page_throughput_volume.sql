-- purpose: cases received in the window by service line and channel (the throughput page's volume chart): the
--          cases base model under the filters (filtered_cases), so the bars add up to the case_volume card
--          (cancelled cases included, as there)
-- parameters: $periods (the window as one period, jianfu/ui/data.py); $grids, $teams, $service_lines,
--             $channels, $centers, $districts, $streets (empty list = all, applied by filtered_cases);
--             $workday_epoch, $workday_cum (read by the model)
-- grain: one row per (service_line, channel)
with final as (
    select
        coalesce(service_line, 'other') as service_line,
        coalesce(channel, 'other') as channel,
        count(*) as cases
    from filtered_cases
    group by all
)

select * from final
order by sum(cases) over (partition by service_line) desc, service_line, cases desc
