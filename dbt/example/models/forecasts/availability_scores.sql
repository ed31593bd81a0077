-- Incremental scoring: each run scores only the tutors not scored yet for this as_of (new
-- registrations), so a rerun of the same term adds nothing and a new term adds its rows.
-- The post_hook removes the rows of tutors no longer in stg_tutors (erased on request, or left):
-- an incremental table would keep them for ever.  It is a string that dbt renders when it runs the
-- hook, inside the model's transaction (at parse time ref() would name this model itself).
{{ config(materialized='incremental', unique_key=['tutor_id', 'as_of', 'horizon'],
          post_hook="DELETE FROM {{ this }} s WHERE NOT EXISTS (SELECT FROM {{ ref('stg_tutors') }} t WHERE t.tutor_id = s.tutor_id)") }}
SELECT p.tutor_id, '{{ var('as_of') }}'::edupredict.school_term AS as_of, p.horizon, p.term,
       p.p_available, p.p_response, p.p_effective
FROM ({{ edupredict.predict_availability(var('availability_model'), ref('stg_tutors'), ref('stg_placements'),
                                         var('as_of'), ref('stg_responses')) }}) p
-- depends_on: {{ ref('supply_demand') }}
{% if is_incremental() %}
WHERE NOT EXISTS (SELECT FROM {{ this }} s WHERE s.tutor_id = p.tutor_id
                  AND s.as_of OPERATOR(edupredict.=) '{{ var('as_of') }}'::edupredict.school_term AND s.horizon = p.horizon)
{% endif %}
