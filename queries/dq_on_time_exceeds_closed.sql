-- purpose: data-quality check (should return no rows): months where more cases closed on time (closed_at ≤
--          due_at) than cases have status closed, which makes the on-time rate exceed 100%
-- parameters: none
-- grain: one row per offending month (of closed_at)
with by_month as (
    select
        date_trunc('month', closed_at) as month,
        count(*) filter (where closed_at <= due_at) as on_time_cases,
        count(*) filter (where status = 'closed') as closed_cases
    from cases
    where closed_at is not null
    group by month
),

final as (
    select month, on_time_cases, closed_cases
    from by_month
    where on_time_cases > closed_cases
)

select * from final
order by month
