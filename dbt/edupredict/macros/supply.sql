{# Tutor supply (docs/forecasting.md).  Each macro returns a SELECT, so a model is one call:
   {{ edupredict.supply_demand('availability', ref('stg_tutors'), ref('stg_placements'),
                               ref('stg_opportunities'), var('as_of'), ref('stg_responses')) }} #}
{% macro train_availability(model_name, tutors, placements, as_of, n_trees=100, seed=42) -%}
SELECT * FROM edupredict.train_availability('{{ model_name }}', '{{ tutors }}'::regclass, '{{ placements }}'::regclass,
                                            '{{ as_of }}'::edupredict.school_term, n_trees => {{ n_trees }}, seed => {{ seed }})
{%- endmacro %}

{% macro tutor_features(tutors, placements, as_of) -%}
SELECT * FROM edupredict.tutor_features('{{ tutors }}'::regclass, '{{ placements }}'::regclass, '{{ as_of }}'::edupredict.school_term)
{%- endmacro %}

{% macro predict_availability(model_name, tutors, placements, as_of, responses=none) -%}
SELECT * FROM edupredict.predict_availability('{{ model_name }}', '{{ tutors }}'::regclass, '{{ placements }}'::regclass,
                                              '{{ as_of }}'::edupredict.school_term
                                              {%- if responses is not none %}, '{{ responses }}'::regclass{% endif %})
{%- endmacro %}

{% macro supply_demand(model_name, tutors, placements, opportunities, as_of, responses=none) -%}
SELECT * FROM edupredict.supply_demand('{{ model_name }}', '{{ tutors }}'::regclass, '{{ placements }}'::regclass,
                                       '{{ opportunities }}'::regclass, '{{ as_of }}'::edupredict.school_term
                                       {%- if responses is not none %}, '{{ responses }}'::regclass{% endif %})
{%- endmacro %}

{% macro supply_rollup(model_name, tutors, placements, as_of, responses=none, hubs=none, sub_regions=none) -%}
SELECT level, area, horizon, term, known_expected, recruits_expected, total_expected, total_sd,
       total_p10, total_p50, total_p90
FROM edupredict.supply_rollup('{{ model_name }}', '{{ tutors }}'::regclass, '{{ placements }}'::regclass,
                              '{{ as_of }}'::edupredict.school_term,
                              {% if responses is not none %}'{{ responses }}'::regclass{% else %}NULL{% endif %},
                              {% if hubs is not none %}'{{ hubs }}'::regclass{% else %}NULL{% endif %},
                              {% if sub_regions is not none %}'{{ sub_regions }}'::regclass{% else %}NULL{% endif %})
{%- endmacro %}

{# The termly refresh as a statement (post_hook or `dbt run-operation`): trains, forecasts and
   records the run in edupredict.forecasts, in the transaction dbt runs it in. #}
{% macro refresh_supply(model_name, tutors, placements, opportunities, responses=none, as_of=none) -%}
CALL edupredict.refresh_supply('{{ model_name }}', '{{ tutors }}'::regclass, '{{ placements }}'::regclass,
                               '{{ opportunities }}'::regclass,
                               {% if responses is not none %}'{{ responses }}'::regclass{% else %}NULL{% endif %},
                               {% if as_of is not none %}'{{ as_of }}'::edupredict.school_term{% else %}NULL{% endif %})
{%- endmacro %}

{% macro forecast_vs_realised(tutors, placements, responses=none) -%}
SELECT * FROM edupredict.forecast_vs_realised('{{ tutors }}'::regclass, '{{ placements }}'::regclass
                                              {%- if responses is not none %}, '{{ responses }}'::regclass{% endif %})
{%- endmacro %}

{# Small-cell suppression of a two-way table (row, column, value); k is edupredict.min_cell. #}
{% macro suppress_small_cells(relation, row_column, column_column, value_column) -%}
SELECT * FROM edupredict.suppress_small_cells('{{ relation }}'::regclass, '{{ row_column }}', '{{ column_column }}',
                                              '{{ value_column }}')
{%- endmacro %}
