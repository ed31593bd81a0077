{# Use a model's custom schema as it is (dbt's documented override), so the example builds in
   dbt_demo whatever the profile's target schema is. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
{%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
