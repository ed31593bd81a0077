SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- explain(): exact TreeSHAP contributions.  Contributions plus the base value
-- are the model's output (forest: the class probability; boosting: the raw
-- margin) to 1e-9 on every row, for forests and boosting, numeric, text and
-- missing values, registry models and model bytes, old models without covers.
\set QUIET on
\i data/uci_student_dropout/load.sql
\set QUIET off
CREATE TEMP TABLE exp_train AS SELECT * FROM edupredict_data.students WHERE student_id % 5 <> 0;
ALTER TABLE exp_train DROP COLUMN student_id;
CREATE TEMP TABLE exp_test AS SELECT * FROM edupredict_data.students WHERE student_id % 5 = 0;
SELECT name, version, metrics->>'n_test' AS n_test
FROM edupredict.train_forest('exp_uci', 'exp_train', 'target', seed => 7);

-- every test row: base value of the predicted class plus the contributions
-- is predict_proba of that class
SELECT count(*) AS rows,
       count(*) FILTER (WHERE abs(edupredict.explain_base_value('exp_uci', c.cls) + e.total
                                  - edupredict.predict_proba('exp_uci', t, c.cls)) <= 1e-9) AS additive,
       count(*) FILTER (WHERE e.n = 36) AS all_features
FROM exp_test t
CROSS JOIN LATERAL (SELECT edupredict.predict('exp_uci', t) AS cls) c
CROSS JOIN LATERAL (SELECT sum(contribution) AS total, count(*) AS n FROM edupredict.explain('exp_uci', t)) e;

-- every class, not only the predicted one
SELECT k.cls, count(*) AS rows,
       count(*) FILTER (WHERE abs(edupredict.explain_base_value('exp_uci', k.cls)
                                  + (SELECT sum(contribution) FROM edupredict.explain('exp_uci', t, class => k.cls))
                                  - edupredict.predict_proba('exp_uci', t, k.cls)) <= 1e-9) AS additive
FROM (SELECT * FROM exp_test ORDER BY student_id LIMIT 60) t,
     unnest(ARRAY['Dropout', 'Enrolled', 'Graduate']) AS k(cls)
GROUP BY k.cls ORDER BY k.cls;

-- a forest's base values are class shares: they add up to 1
SELECT abs(sum(edupredict.explain_base_value('exp_uci', c)) - 1) < 1e-12 AS shares_add_to_one
FROM unnest(ARRAY['Dropout', 'Enrolled', 'Graduate']) c;

-- the three strongest reasons for one student, largest first, with the
-- row's own values
SELECT feature, value, round(contribution::numeric, 6) AS contribution
FROM edupredict.explain('exp_uci', (SELECT t FROM exp_test t WHERE student_id = 5), top_k => 3);
SELECT curricular_units_2nd_sem_approved, age_at_enrollment FROM exp_test WHERE student_id = 5;
-- the same row as an array in model order (and for a named class)
SELECT e1.feature = e2.feature AND abs(e1.contribution - e2.contribution) < 1e-12 AS same
FROM edupredict.explain('exp_uci', (SELECT t FROM exp_test t WHERE student_id = 5), top_k => 1, class => 'Dropout') e1,
     edupredict.explain('exp_uci', (SELECT ARRAY[marital_status, application_mode, application_order, course,
            daytime_evening_attendance, previous_qualification, previous_qualification_grade, nacionality,
            mothers_qualification, fathers_qualification, mothers_occupation, fathers_occupation,
            admission_grade, displaced, educational_special_needs, debtor, tuition_fees_up_to_date, gender,
            scholarship_holder, age_at_enrollment, international, curricular_units_1st_sem_credited,
            curricular_units_1st_sem_enrolled, curricular_units_1st_sem_evaluations,
            curricular_units_1st_sem_approved, curricular_units_1st_sem_grade,
            curricular_units_1st_sem_without_evaluations, curricular_units_2nd_sem_credited,
            curricular_units_2nd_sem_enrolled, curricular_units_2nd_sem_evaluations,
            curricular_units_2nd_sem_approved, curricular_units_2nd_sem_grade,
            curricular_units_2nd_sem_without_evaluations, unemployment_rate, inflation_rate, gdp]::float8[]
            FROM exp_test WHERE student_id = 5), top_k => 1, class => 'Dropout') e2;

-- global importance: mean |contribution| over the test rows; permutation
-- importance (seeded) agrees on the leading feature
SELECT feature, round(mean_abs_contribution::numeric, 4) AS mean_abs
FROM edupredict.global_importance('exp_uci', 'exp_test') LIMIT 3;
SELECT feature, importance > 0.05 AS matters, importance_std < importance AS stable
FROM edupredict.permutation_importance('exp_uci', 'exp_test', metric => 'accuracy', n_repeats => 3, seed => 1)
LIMIT 1;
SELECT count(*) AS features, bool_and(baseline = (SELECT value FROM edupredict.evaluate('exp_uci', 'exp_test') WHERE metric = 'accuracy')) AS baseline_is_accuracy
FROM edupredict.permutation_importance('exp_uci', 'exp_test', n_repeats => 1);

-- missing values and text features: a small forest, every row additive,
-- missing values shown as NULL
CREATE TEMP TABLE exp_mixed AS
SELECT i AS id,
       CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 37 % 100)::float8 END AS score,
       CASE WHEN i % 11 = 0 THEN NULL ELSE (ARRAY['north', 'south', 'east', 'west'])[1 + i % 4] END AS region,
       (i % 3 = 0) AS flag,
       CASE WHEN (i * 37 % 100) > 50 AND i % 4 <> 1 THEN 'yes' WHEN i % 5 = 0 THEN 'yes' ELSE 'no' END AS outcome
FROM generate_series(1, 400) i;
SELECT name FROM edupredict.train_forest('exp_mixed', 'exp_mixed', 'outcome', features => ARRAY['score', 'region', 'flag'],
                                         n_trees => 25, seed => 3);
SELECT count(*) AS rows,
       count(*) FILTER (WHERE abs(edupredict.explain_base_value('exp_mixed', 'yes')
                                  + (SELECT sum(contribution) FROM edupredict.explain('exp_mixed', m, class => 'yes'))
                                  - edupredict.predict_proba('exp_mixed', m, 'yes')) <= 1e-9) AS additive
FROM exp_mixed m;
-- covers are counted while the trees grow (in-bag rows as they are
-- partitioned, out-of-bag rows walked down the finished tree): the same as
-- walking every training row down every tree afresh (model_profile), here
-- with text, missing values and a third of the rows out of bag
SELECT version FROM edupredict.train_forest('exp_cover', 'exp_mixed', 'outcome', features => ARRAY['score', 'region', 'flag'],
                                            n_trees => 15, sample_fraction => 0.6, test_fraction => 0, seed => 8);
SELECT new_version FROM edupredict.model_profile('exp_cover', 'exp_mixed');
SELECT edupredict.explain_base_value('exp_cover', c, 1) = edupredict.explain_base_value('exp_cover', c, 2) AS same_base_value
FROM unnest(ARRAY['no', 'yes']) c;
SELECT bool_and(a.contribution = b.contribution) AS same_contributions, count(*) AS contributions
FROM exp_mixed m,
     LATERAL edupredict.explain('exp_cover', m, class => 'yes', version => 1) a
     JOIN LATERAL edupredict.explain('exp_cover', m, class => 'yes', version => 2) b USING (feature);
SELECT feature, value FROM edupredict.explain('exp_mixed', (SELECT m FROM exp_mixed m WHERE id = 77)) ORDER BY feature;
SELECT feature, value FROM edupredict.explain('exp_mixed', (SELECT m FROM exp_mixed m WHERE id = 45)) ORDER BY feature;
-- an unseen category explains like a missing one
SELECT (SELECT array_agg(contribution ORDER BY feature) FROM edupredict.explain('exp_mixed', r))
     = (SELECT array_agg(contribution ORDER BY feature) FROM edupredict.explain('exp_mixed', s)) AS unseen_is_missing
FROM (SELECT 40.0::float8 AS score, 'sunset'::text AS region, true AS flag) r,
     (SELECT 40.0::float8 AS score, NULL::text AS region, true AS flag) s;
-- a row with two columns of a feature's name (a join's) is refused, not read
-- by the first; a repeated column the model does not use is fine
SELECT count(*) FROM (SELECT 'north'::text AS region, 1.0::float8 AS score, 2.0::float8 AS score, true AS flag) t, edupredict.explain('exp_mixed', t);
SELECT edupredict.predict('exp_mixed', t) FROM (SELECT 'north'::text AS region, 1.0::float8 AS score, 2.0::float8 AS score, true AS flag) t;
SELECT edupredict.predict('exp_mixed', t, 1) FROM (SELECT 'north'::text AS region, 1.0::float8 AS score, 2.0::float8 AS score, true AS flag) t;
SELECT edupredict.predict_proba('exp_mixed', t, 'yes') FROM (SELECT 'north'::text AS region, 1.0::float8 AS score, 2.0::float8 AS score, true AS flag) t;
SELECT edupredict.predict_label('exp_mixed', t) FROM (SELECT 'north'::text AS region, 1.0::float8 AS score, 2.0::float8 AS score, true AS flag) t;
SELECT edupredict.predict('exp_mixed', t) = edupredict.predict('exp_mixed', u) AS unused_twice_ok
FROM (SELECT 'north'::text AS region, 40.0::float8 AS score, true AS flag, 1 AS other, 2 AS other) t,
     (SELECT 'north'::text AS region, 40.0::float8 AS score, true AS flag) u;

-- model bytes (forest_agg): the same contributions as the registry form takes
CREATE TEMP TABLE exp_bytes AS
SELECT edupredict.forest_agg(ARRAY[admission_grade, curricular_units_1st_sem_approved, age_at_enrollment]::float8[],
                             target, '{"n_trees": 20, "seed": 5}'::jsonb) AS model
FROM exp_train;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE abs(edupredict.explain_base_value(b.model, 'Dropout')
                                  + (SELECT sum(contribution) FROM edupredict.explain(b.model, x.f, class => 'Dropout'))
                                  - (edupredict.predict_proba(b.model, x.f))[1]) <= 1e-9) AS additive
FROM exp_bytes b,
     LATERAL (SELECT ARRAY[admission_grade, curricular_units_1st_sem_approved, age_at_enrollment]::float8[] AS f
              FROM exp_test ORDER BY student_id LIMIT 200) x;

-- the aggregate wrote covers too: the base value is the mean output over
-- its training rows (every row: forest_agg holds none out)
SELECT abs(edupredict.explain_base_value(b.model, 'Dropout')
           - avg((edupredict.predict_proba(b.model, ARRAY[admission_grade, curricular_units_1st_sem_approved,
                                                          age_at_enrollment]::float8[]))[1])) < 1e-9 AS base_is_training_mean
FROM exp_bytes b, exp_train t GROUP BY b.model;

-- one call site meeting other model bytes row after row (two boosted
-- models of the same shape, alternating) builds a plan for each: the next
-- model is parsed at the address of the last one
CREATE TEMP TABLE exp_two AS
SELECT 1 AS id, edupredict.boost_agg(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_approved]::float8[],
                                     curricular_units_2nd_sem_grade, '{"n_rounds": 5, "max_depth": 2, "seed": 1}') AS model
FROM exp_train
UNION ALL
SELECT 2, edupredict.boost_agg(ARRAY[admission_grade, age_at_enrollment, curricular_units_1st_sem_approved]::float8[],
                               previous_qualification_grade, '{"n_rounds": 5, "max_depth": 2, "seed": 1}')
FROM exp_train;
SELECT count(*) AS rows, count(DISTINCT q.id) AS models,
       count(*) FILTER (WHERE abs(edupredict.explain_base_value(q.model)
                                  + (SELECT sum(contribution) FROM edupredict.explain(q.model, q.f))
                                  - edupredict.predict(q.model, q.f)::float8) <= 1e-9) AS additive
FROM (SELECT m.id, m.model, ARRAY[x.admission_grade, x.age_at_enrollment, x.curricular_units_1st_sem_approved]::float8[] AS f
      FROM (SELECT * FROM exp_test ORDER BY student_id LIMIT 100) x CROSS JOIN exp_two m
      ORDER BY x.student_id, m.id) q;

-- boosting explains the raw margin: log-odds for two classes, the softmax
-- input for more, the value for regression
CREATE TEMP TABLE exp_boost AS
SELECT edupredict.boost_agg(f, (target = 'Dropout')::int::float8, '{"n_rounds": 40, "max_depth": 4, "seed": 2}') AS logistic,
       edupredict.boost_agg(f, target, '{"n_rounds": 30, "max_depth": 3, "seed": 2}') AS softmax,
       edupredict.boost_agg(f, curricular_units_2nd_sem_grade, '{"n_rounds": 30, "max_depth": 4, "seed": 2}') AS regression
FROM (SELECT ARRAY[admission_grade, curricular_units_1st_sem_approved, age_at_enrollment,
                   CASE WHEN debtor = 1 THEN NULL ELSE tuition_fees_up_to_date END]::float8[] AS f, target,
             curricular_units_2nd_sem_grade
      FROM exp_train) s;
CREATE TEMP TABLE exp_rows AS
SELECT student_id, ARRAY[admission_grade, curricular_units_1st_sem_approved, age_at_enrollment,
                         CASE WHEN debtor = 1 THEN NULL ELSE tuition_fees_up_to_date END]::float8[] AS f
FROM exp_test;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE abs(edupredict.explain_base_value(b.logistic, '1')
                                  + (SELECT sum(contribution) FROM edupredict.explain(b.logistic, r.f, class => '1'))
                                  - ln(p.p / (1 - p.p))) <= 1e-9) AS logistic_additive,
       count(*) FILTER (WHERE abs(edupredict.explain_base_value(b.logistic, '0')
                                  + edupredict.explain_base_value(b.logistic, '1')) <= 1e-12) AS class_0_is_negated
FROM exp_boost b, exp_rows r,
     LATERAL (SELECT (edupredict.predict_proba(b.logistic, r.f))[2] AS p) p;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE abs(s.z[k] - ln((edupredict.predict_proba(b.softmax, r.f))[k])
                                  - ln((SELECT sum(exp(x)) FROM unnest(s.z) x))) <= 1e-9) AS softmax_additive
FROM exp_boost b, exp_rows r, generate_series(1, 3) k,
     LATERAL (SELECT ARRAY(SELECT edupredict.explain_base_value(b.softmax, c)
                                  + (SELECT sum(contribution) FROM edupredict.explain(b.softmax, r.f, class => c))
                           FROM unnest(ARRAY['Dropout', 'Enrolled', 'Graduate']) WITH ORDINALITY u(c, o) ORDER BY o) AS z) s;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE abs(edupredict.explain_base_value(b.regression)
                                  + (SELECT sum(contribution) FROM edupredict.explain(b.regression, r.f))
                                  - edupredict.predict(b.regression, r.f)::float8) <= 1e-9) AS regression_additive
FROM exp_boost b, exp_rows r;
-- a boosted registry model (train_boosting) explains rows the same way:
-- every class's base value plus contributions, through the softmax, is
-- predict_proba
SELECT version FROM edupredict.train_boosting('exp_boost_reg', 'exp_train', 'target', n_rounds => 20,
                                              max_depth => 3, seed => 4);
SELECT count(*) AS rows,
       count(*) FILTER (WHERE abs(z.s[c.k] - ln(edupredict.predict_proba('exp_boost_reg', t, c.cls))
                                  - ln((SELECT sum(exp(x)) FROM unnest(z.s) x))) <= 1e-9) AS softmax_additive
FROM (SELECT * FROM exp_test ORDER BY student_id LIMIT 100) t,
     LATERAL (SELECT ARRAY(SELECT edupredict.explain_base_value('exp_boost_reg', u.c)
                                  + (SELECT sum(contribution) FROM edupredict.explain('exp_boost_reg', t, class => u.c))
                           FROM unnest(ARRAY['Dropout', 'Enrolled', 'Graduate']) WITH ORDINALITY u(c, o) ORDER BY o) AS s) z,
     unnest(ARRAY['Dropout', 'Enrolled', 'Graduate']) WITH ORDINALITY c(cls, k);
-- a missing value contributes too (it goes down the default branch)
SELECT feature, value IS NULL AS missing
FROM edupredict.explain((SELECT logistic FROM exp_boost), ARRAY[120, 3, 19, NULL]::float8[]) WHERE feature = 'f4';

-- a model stored by 0.1.0 has no node covers: it still explains (both
-- branches weighed equally, and a notice says so), and contributions still
-- add up to its output; to 1e-7 only, because 0.1.0 rounded each leaf's
-- class shares to floats that need not add up to 1, and predict_proba
-- divides by their sum while the explanation takes them as stored
\set ECHO none
\set QUIET on
\i test/fixtures/forest_0.1.0_rows.sql
\i test/fixtures/forest_0.1.0.sql
\set QUIET off
\set ECHO all
INSERT INTO edupredict.models (name, version, task, target, features, classes, params, metrics, n_rows, train_seconds, model)
SELECT name, version, task, target, features, classes, params, metrics, n_rows, train_seconds, decode(model_hex, 'hex')
FROM fx_models_0_1_0 WHERE name = 'fx_cls';
SELECT count(*) AS contributions FROM edupredict.explain('fx_cls', (SELECT r FROM fx_rows r ORDER BY id LIMIT 1));
SET client_min_messages = warning;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE abs(edupredict.explain_base_value('fx_cls', c)
                                  + (SELECT sum(contribution) FROM edupredict.explain('fx_cls', r, class => c))
                                  - edupredict.predict_proba('fx_cls', r, c)) <= 1e-7) AS additive
FROM fx_rows r, unnest((SELECT classes FROM edupredict.models WHERE name = 'fx_cls')) c;
RESET client_min_messages;
DELETE FROM edupredict.models WHERE name = 'fx_cls';
DROP TABLE fx_rows, fx_models_0_1_0, fx_predictions_0_1_0;

-- arguments
SELECT count(*) FROM edupredict.explain('exp_uci', (SELECT t FROM exp_test t LIMIT 1), top_k => 0);
SELECT count(*) FROM edupredict.explain('exp_uci', (SELECT t FROM exp_test t LIMIT 1), class => 'Unknown');
SELECT count(*) FROM edupredict.explain('exp_uci', (SELECT t FROM exp_test t LIMIT 1), version => 9);
SELECT edupredict.explain_base_value('exp_uci');
SELECT count(*) FROM edupredict.explain(NULL::text, (SELECT t FROM exp_test t LIMIT 1));
SELECT edupredict.explain_base_value(NULL::text) IS NULL AS null_model;
SELECT count(*) FROM edupredict.explain((SELECT regression FROM exp_boost), ARRAY[1, 2, 3, 4]::float8[], class => 'x');
SELECT count(*) FROM edupredict.explain((SELECT regression FROM exp_boost), ARRAY[1, 2]::float8[]);
SELECT count(*) FROM edupredict.explain('\x45445046'::bytea, ARRAY[1]::float8[]);
SELECT count(*) FROM edupredict.global_importance('exp_uci', 'exp_test', class => 'Nobody');
SELECT count(*) FROM edupredict.permutation_importance('exp_uci', 'exp_test', metric => 'rmse');
SELECT count(*) FROM edupredict.permutation_importance('exp_uci', 'exp_test', n_repeats => 0);
-- a relation without rows (or without a target value where the function
-- needs one) is refused alike by every function that scores one, never
-- answered with NULL figures, a lone curve point or no rows
CREATE TEMP TABLE exp_empty AS SELECT * FROM exp_test LIMIT 0;
SELECT * FROM edupredict.global_importance('exp_uci', 'exp_empty');
SELECT * FROM edupredict.permutation_importance('exp_uci', 'exp_empty');
SELECT * FROM edupredict.roc_curve('exp_uci', 'exp_empty', 'Dropout');
SELECT * FROM edupredict.pr_curve('exp_uci', 'exp_empty', 'Dropout');
SELECT * FROM edupredict.reliability('exp_uci', 'exp_empty');
SELECT * FROM edupredict.choose_threshold('exp_uci', 'exp_empty', 'Dropout');
CREATE TEMP TABLE exp_no_target AS SELECT * FROM exp_test ORDER BY student_id LIMIT 5;
UPDATE exp_no_target SET target = NULL;
SELECT * FROM edupredict.roc_curve('exp_uci', 'exp_no_target', 'Dropout');
SELECT * FROM edupredict.reliability('exp_uci', 'exp_no_target');
SELECT * FROM edupredict.permutation_importance('exp_uci', 'exp_no_target');
SELECT count(*) AS features FROM edupredict.global_importance('exp_uci', 'exp_no_target');
DELETE FROM edupredict.models WHERE name IN ('exp_uci', 'exp_mixed', 'exp_boost_reg');
