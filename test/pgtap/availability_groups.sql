-- train_availability holds out whole tutors (docs/forecasting.md): a tutor has a training row per
-- term, so a split by rows puts a tutor's other terms on the training side and the registry's test
-- metrics are those of tutors the forest has seen.  Each horizon's forest is _train_forest_as_of(...,
-- group_by => 'tutor_id'); the registry records group_by, n_test_groups and the row counts only, so
-- the split is checked through the model bytes: the availability forest of each horizon is
-- train_forest(..., group_by => 'tutor_id') on the same training rows (whose held-out rows are whole
-- groups: test/pgtap/group_split.sql), and not train_forest without it.
BEGIN;
\set ECHO none
\set QUIET 1
SELECT plan(11);
SET LOCAL search_path = public, edupredict;
SET LOCAL client_min_messages = warning;

SELECT function_returns('edupredict', '_train_forest_as_of',
  ARRAY['text', 'regclass', 'text', 'text[]', 'text', 'integer', 'integer', 'integer', 'double precision', 'text',
        'double precision', 'double precision', 'bigint', 'boolean', 'text', 'integer', 'text', 'text'], 'model_list',
  '_train_forest_as_of takes group_by last');

SELECT lives_ok($$SELECT count(*) FROM generate_tutor_data('ag', 5, 500, '2019 Autumn', '2022 Autumn')$$, 'tutor data');
CREATE TABLE ag_trained AS
SELECT * FROM train_availability('ag_avail', 'ag.tutors', 'ag.placements', '2022 Spring', n_trees => 20, seed => 3);
CREATE TABLE ag_models AS
SELECT t.horizon, m.* FROM ag_trained t JOIN models m ON m.name = t.model AND m.version = t.version;

SELECT is((SELECT count(*) FILTER (WHERE params->>'group_by' = 'tutor_id') FROM ag_models), 3::bigint,
          'each horizon''s forest records group_by tutor_id');
SELECT is((SELECT count(*) FILTER (WHERE (metrics->>'n_test_groups')::int > 0) FROM ag_models), 3::bigint,
          'each horizon''s forest holds out tutors (n_test_groups > 0)');
SELECT ok((SELECT bool_and(NOT ('tutor_id' = ANY (features))) FROM ag_models), 'tutor_id is no feature');
SELECT ok((SELECT bool_and((metrics->>'n_test')::bigint + (metrics->>'n_train')::bigint = n_rows) FROM ag_models),
          'the test and training rows are the rows');

-- Each horizon's training rows as train_availability builds them (_availability_training_rows:
-- one query, so a change to the rows needs no copy here), with the tutor beside the features.
CREATE TABLE ag_rows AS
SELECT * FROM _availability_training_rows('ag.tutors', 'ag.placements', '2022 Spring', '{1,2,3}');
CREATE FUNCTION pg_temp.rows_of(h int) RETURNS regclass LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format($q$
		CREATE TABLE IF NOT EXISTS ag_rows_h%1$s AS
		SELECT r.tutor_id, (r.features).*, r.available FROM ag_rows r WHERE r.horizon = %1$s$q$, h);
	RETURN ('ag_rows_h' || h)::regclass;
END $$;
CREATE TABLE ag_made AS SELECT pg_temp.rows_of(h) FROM generate_series(1, 3) h;
SELECT is((SELECT array_agg(n_rows ORDER BY horizon) FROM ag_models),
          (SELECT array_agg(n ORDER BY horizon) FROM (SELECT horizon, count(*) AS n FROM ag_rows GROUP BY horizon) r),
          'the training rows are as many as each forest''s');
SELECT ok((SELECT bool_and((m.metrics->>'n_test_groups')::bigint < r.tutors
                           AND (m.metrics->>'n_test')::bigint >= (m.metrics->>'n_test_groups')::bigint)
           FROM ag_models m JOIN (SELECT horizon, count(DISTINCT tutor_id) AS tutors FROM ag_rows GROUP BY horizon) r ON r.horizon = m.horizon),
          'fewer test tutors than tutors, each with a test row at least');

CREATE FUNCTION pg_temp.retrain(h int, group_by text) RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE
	v int;
BEGIN
	SELECT m.version INTO v FROM edupredict.train_forest('ag_hand_' || h, pg_temp.rows_of(h), 'available',
		features => ARRAY['months_to_phd_end', 'n_previous_placements', 'mean_placements_per_term',
						  'terms_since_registration', 'placed_last_term', 'target_season', 'target_spring',
						  'target_summer', 'target_autumn'],
		task => 'classification', n_trees => 20, min_samples_leaf => 25, seed => 3, group_by => group_by) m;
	RETURN (SELECT model FROM edupredict.models WHERE name = 'ag_hand_' || h AND version = v);
END $$;
CREATE TABLE ag_hand AS
SELECT m.horizon, m.model AS availability, pg_temp.retrain(m.horizon, 'tutor_id') AS by_tutor,
       pg_temp.retrain(m.horizon, NULL) AS by_row
FROM ag_models m;
SELECT is((SELECT count(*) FILTER (WHERE availability = by_tutor) FROM ag_hand), 3::bigint,
          'each horizon''s forest is train_forest(group_by => tutor_id) on its training rows: whole tutors held out');
SELECT is((SELECT count(*) FILTER (WHERE availability = by_row) FROM ag_hand), 0::bigint,
          'and not the forest of a split by rows');
SELECT is((SELECT array_agg((metrics->>'n_test_groups')::int ORDER BY horizon) FROM ag_models),
          (SELECT array_agg((m.metrics->>'n_test_groups')::int ORDER BY m.name) FROM models m
           WHERE m.name LIKE 'ag\_hand\_%' AND m.params ? 'group_by'),
          'and records the same test tutors');

SELECT * FROM finish();
ROLLBACK;
