-- purpose: the span of time the warehouse has data for: the earliest and the latest event (receipt, closing,
--          rating, response, record, inspection, activity, access request, proposal); a window reaching past
--          data_as_of is a partial period, a comparison window starting before data_from is not compared
-- parameters: none
-- grain: one row (both NULL for an empty warehouse)
with events as (
    select min(received_at) as first_at, max(received_at) as last_at from cases
    union all
    select min(closed_at), max(closed_at) from cases
    union all
    select min(rated_at), max(rated_at) from evaluations
    union all
    select min(responded_at), max(responded_at) from survey_responses
    union all
    select min(recorded_at), max(recorded_at) from record_entries
    union all
    select min(held_on)::timestamp, max(held_on)::timestamp from inspections
    union all
    select min(held_on)::timestamp, max(held_on)::timestamp from partner_activities
    union all
    select min(received_at), max(received_at) from access_requests
    union all
    select min(proposed_at), max(proposed_at) from micro_projects
),

final as (
    select
        min(first_at) as data_from,
        max(last_at) as data_as_of
    from events
)

select * from final
