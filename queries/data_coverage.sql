-- purpose: the span of time the warehouse has data for: the earliest and the latest event (receipt, closing,
--          rating, response, record, inspection, activity, access request, proposal); a window reaching past
--          data_as_of is a partial period, a comparison window starting before data_from is not compared;
--          activity_through is the latest event that is not a closing (closings trail an export by years: a
--          2013-2019 export holds cases closed in 2022), the day the default period counts back from
-- parameters: none
-- grain: one row (all NULL for an empty warehouse)
with events as (
    select min(received_at) as first_at, max(received_at) as last_at, false as is_closing from cases
    union all
    select min(closed_at), max(closed_at), true from cases
    union all
    select min(rated_at), max(rated_at), false from evaluations
    union all
    select min(responded_at), max(responded_at), false from survey_responses
    union all
    select min(recorded_at), max(recorded_at), false from record_entries
    union all
    select min(held_on)::timestamp, max(held_on)::timestamp, false from inspections
    union all
    select min(held_on)::timestamp, max(held_on)::timestamp, false from partner_activities
    union all
    select min(received_at), max(received_at), false from access_requests
    union all
    select min(proposed_at), max(proposed_at), false from micro_projects
),

final as (
    select
        min(first_at) as data_from,
        max(last_at) as data_as_of,
        max(last_at) filter (where not is_closing) as activity_through
    from events
)

select * from final
