SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- Models stored by 0.1.0 (format 1) keep loading and predicting bit-identically.
-- The fixture holds the bytes of three 0.1.0 models (text, boolean and
-- missing features; classification, regression, forest_agg) and what 0.1.0
-- predicted for every row; float8 text is exact, so equal text is equal bits.
\set ECHO none
\set QUIET on
\i test/fixtures/forest_0.1.0_rows.sql
\i test/fixtures/forest_0.1.0.sql
\set QUIET off
\set ECHO all
SELECT name, get_byte(decode(model_hex, 'hex'), 4) AS format_version, length(decode(model_hex, 'hex')) > 1000 AS has_trees
FROM fx_models_0_1_0 ORDER BY name;
-- as 0.1.0 left them in the registry
INSERT INTO edupredict.models (name, version, task, target, features, classes, params, metrics, n_rows, train_seconds, model)
SELECT name, version, task, target, features, classes, params, metrics, n_rows, train_seconds, decode(model_hex, 'hex')
FROM fx_models_0_1_0 WHERE name IN ('fx_cls', 'fx_reg');
SELECT count(*) AS rows,
       count(*) FILTER (WHERE p.cls_label = edupredict.predict('fx_cls', r)) AS same_label,
       count(*) FILTER (WHERE p.cls_proba = edupredict.predict_proba('fx_cls', r)::text) AS same_proba,
       count(*) FILTER (WHERE p.reg_value = edupredict.predict('fx_reg', r)) AS same_value,
       count(*) FILTER (WHERE p.agg_proba = edupredict.predict_proba(
           (SELECT decode(model_hex, 'hex') FROM fx_models_0_1_0 WHERE name = 'fx_agg'),
           ARRAY[r.x, r.flag::int])::text) AS same_agg
FROM fx_rows r JOIN fx_predictions_0_1_0 p USING (id);
-- the text feature still matches by its codebook: a row whose colour 0.1.0
-- never saw is scored as missing, like a NULL colour
SELECT edupredict.predict_proba('fx_cls', r)::text = edupredict.predict_proba('fx_cls', s)::text AS unseen_is_missing
FROM (SELECT 5.0::float8 AS x, 'purple'::text AS color, true AS flag) r,
     (SELECT 5.0::float8 AS x, NULL::text AS color, true AS flag) s;
SELECT edupredict.model_classes('fx_cls'), (SELECT array_agg(feature ORDER BY feature) FROM edupredict.feature_importance('fx_cls'));
DELETE FROM edupredict.models WHERE name IN ('fx_cls', 'fx_reg');
DROP TABLE fx_rows, fx_models_0_1_0, fx_predictions_0_1_0;
