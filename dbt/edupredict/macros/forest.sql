{# Random forests.  train_forest as a statement (for a pre_hook / post_hook or run-operation):
   trains a new version of model_name on a relation; predict expressions score a row alias. #}
{% macro train_forest(model_name, relation, target, features=none, n_trees=100, seed=42) -%}
SELECT (edupredict.train_forest(model_name => '{{ model_name }}', relation => '{{ relation }}'::regclass,
        target => '{{ target }}'
        {%- if features is not none %}, features => ARRAY[{% for f in features %}'{{ f }}'{% if not loop.last %}, {% endif %}{% endfor %}]{% endif %},
        n_trees => {{ n_trees }}, seed => {{ seed }})).version
{%- endmacro %}

{% macro predict(model_name, row_alias) -%}
edupredict.predict('{{ model_name }}', {{ row_alias }})
{%- endmacro %}

{# version: an SQL expression (NULL or omitted: the deployed version, else the newest) #}
{% macro predict_proba(model_name, row_alias, class, version=none) -%}
edupredict.predict_proba('{{ model_name }}', {{ row_alias }}, '{{ class }}'{% if version is not none %}, {{ version }}{% endif %})
{%- endmacro %}
