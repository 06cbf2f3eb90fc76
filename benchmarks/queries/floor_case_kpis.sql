-- purpose: the single-scan floor: the case and rating aggregates behind the overview's and throughput page's KPI
--          cards and sparklines (cases received in each month, as they stood at the month's end), for every month
--          of the series, in one query that reads each table once; the window, the previous window and the same
--          month last year are among these months. Cycle times in calendar days (the engine's working days need
--          a calendar lookup on top); the backlog stock is not included.
-- parameters: $series_start, $end_exclusive (timestamps, half-open), $data_end (the last event time: a month that
--             ends later is judged as of then), $grids (empty list = all grids)
-- grain: one row per month
with cohort as (
    select
        date_trunc('month', received_at) as month,
        least(date_trunc('month', received_at) + interval 1 month, $data_end) as as_of,
        status,
        received_at, accepted_at, handed_off_at, first_response_at, due_at, closed_at,
        channel, visits, immediate, materials_required, materials_reused
    from cases
    where received_at >= $series_start and received_at < $end_exclusive
        and (len($grids) = 0 or list_contains($grids, grid_id))
),

measured as (
    select
        *,
        status not in ('cancelled', 'returned') and coalesce(closed_at < as_of, false) as is_closed,
        status not in ('cancelled', 'returned') and due_at is not null
            and (closed_at < as_of or due_at < as_of) as counts_for_on_time
    from cohort
),

case_months as (
    select
        month,
        count(*) as cases_received,
        count(*) filter (status = 'returned') as cases_returned,
        count(*) filter (is_closed) as cases_closed,
        count(*) filter (counts_for_on_time and is_closed and closed_at <= due_at) as on_time,
        count(*) filter (counts_for_on_time) as on_time_base,
        quantile_cont((epoch(closed_at) - epoch(received_at)) / 86400, [0.5, 0.9])
            filter (is_closed and closed_at >= received_at) as cycle_days_p50_p90,
        quantile_cont((epoch(handed_off_at) - epoch(accepted_at)) / 3600, 0.5)
            filter (handed_off_at < as_of and handed_off_at >= accepted_at) as handoff_hours_p50,
        count(*) filter (is_closed and immediate) as closed_immediate,
        count(*) filter (is_closed and visits <= 1) as closed_one_visit,
        count(*) filter (is_closed and channel in ('online', 'mobile') and coalesce(visits, 0) = 0)
            as closed_online,
        sum(materials_reused) filter (materials_required > 0) as materials_reused,
        sum(materials_required) filter (materials_required > 0) as materials_required,
        count(*) filter (first_response_at < as_of and first_response_at <= received_at + interval 24 hour)
            as responded_24h
    from measured
    group by month
),

rating_months as (
    select
        date_trunc('month', e.rated_at) as month,
        count(*) as ratings,
        count(distinct e.case_id) as cases_rated,
        count(*) filter (e.rating >= 3) as ratings_good,
        count(*) filter (e.rating = 5) as ratings_top_box,
        count(*) filter (e.rating <= 2) as ratings_bad
    from evaluations as e
    where e.rated_at >= $series_start and e.rated_at < $end_exclusive
        and (len($grids) = 0 or e.case_id in (select case_id from cases where list_contains($grids, grid_id)))
    group by month
),

final as (
    select * from case_months full join rating_months using (month)
)

select * from final order by month
