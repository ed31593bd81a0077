{# Keyed pseudonym of a column (HMAC-SHA256 of the normalised value; the key is the server's
   edupredict.pii_key, never in the project).  kind: text, email, name, postcode, phone. #}
{% macro pseudonymise(column, kind='text') -%}
edupredict.sha256_pii(({{ column }})::text, '{{ kind }}')
{%- endmacro %}
