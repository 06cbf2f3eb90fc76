-- purpose: data-quality check (should return no rows): survey answers outside their item's scale, or for an
--          item the survey_items table does not define
-- parameters: none
-- grain: one row per offending answer
select a.source_system, a.source_file_id, a.response_id, a.item, a.score, i.scale_min, i.scale_max
from survey_answers as a
left join survey_items as i on i.item = a.item
where i.item is null
    or a.score > i.scale_max
    or a.score < i.scale_min
order by a.source_file_id, a.response_id, a.item
