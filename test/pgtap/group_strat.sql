-- Stratified group splits for a classification (src/model_groups.c): train_*(group_by)'s test
-- rows and boosting's validation rows, and cross_validate / tune split => 'stratified_group'.
--
-- sg: 40 schools; the 20 even ones big (22 to 60 pupils) and 90% class a, the 20 odd ones small
-- (5 to 24) and 90% class b, so about 30% of the pupils are b and a school's class mix is far
-- from the overall one.  Whole schools in a seeded order (the split of a regression) hold out
-- whichever schools come first, and their share of b drifts; the stratified split keeps it close.
-- c is constant: the trees cannot split on it, every row gets the same output, and the held-out
-- metrics then give the held-out rows' share of b exactly (pg_temp.share_b, pg_temp.share_b_reg).
BEGIN;
\set ECHO none
\set QUIET 1
SELECT plan(42);
SET LOCAL search_path = public, edupredict;

CREATE TABLE sg AS
SELECT 's' || lpad(g::text, 2, '0') AS school, 0::float8 AS c, ((i * 7919) % 1000)::float8 / 1000 AS x,
       CASE WHEN (g % 2 = 0) = (k % 10 <> 0) THEN 'a' ELSE 'b' END AS y,
       (CASE WHEN (g % 2 = 0) = (k % 10 <> 0) THEN 0 ELSE 1 END)::float8 AS yb
FROM generate_series(1, 40) g,
     LATERAL generate_series(1, CASE WHEN g % 2 = 0 THEN 20 + g ELSE 5 + g / 2 END) k,
     LATERAL (SELECT g * 100 + k AS i) r;
CREATE TABLE overall AS SELECT avg(yb) AS share_b, count(*) AS n FROM sg;

-- A constant classifier's accuracy is the held-out share of the class it predicts.
CREATE FUNCTION pg_temp.share_b(m edupredict.model_list) RETURNS float8 LANGUAGE sql AS $$
SELECT CASE WHEN edupredict.predict(m.name, t, m.version) = 'b' THEN a ELSE 1 - a END
FROM (SELECT (m.metrics->>'accuracy')::float8 AS a) s, (SELECT * FROM sg LIMIT 1) t$$;
-- A constant regression q on a 0/1 target scores mae = p (1 - q) + (1 - p) q on rows with share p of 1.
CREATE FUNCTION pg_temp.share_b_reg(m edupredict.model_list) RETURNS float8 LANGUAGE sql AS $$
SELECT ((m.metrics->>'mae')::float8 - q) / (1 - 2 * q)
FROM (SELECT edupredict.predict(m.name, t, m.version)::float8 AS q FROM sg t LIMIT 1) s$$;

-- train_forest / train_boosting over a sweep of seeds: the classification (stratified) and a
-- regression on the same 0/1 target (today's unstratified order of the same schools)
CREATE TABLE sweep AS
SELECT s AS seed,
       pg_temp.share_b(f) AS forest_b, (f.metrics->>'n_test')::int AS forest_n,
       pg_temp.share_b(b) AS boost_b, (b.metrics->>'n_test')::int AS boost_n,
       pg_temp.share_b_reg(r) AS reg_b, (r.metrics->>'n_test')::int AS reg_n
FROM generate_series(1, 20) s,
     LATERAL train_forest('sg_f_' || s, 'sg', 'y', ARRAY['c'], n_trees => 3, seed => s, group_by => 'school') f,
     LATERAL train_boosting('sg_b_' || s, 'sg', 'y', ARRAY['c'], n_rounds => 3, seed => s, group_by => 'school') b,
     LATERAL train_forest('sg_r_' || s, 'sg', 'yb', ARRAY['c'], task => 'regression', n_trees => 3, seed => s,
                          group_by => 'school') r;
SELECT ok((SELECT max(abs(forest_b - o.share_b)) < 0.1 FROM sweep, overall o),
          'forest: the test schools'' share of b stays within 0.1 of the overall share, every seed');
SELECT ok((SELECT max(abs(boost_b - o.share_b)) < 0.1 FROM sweep, overall o),
          'boosting: the test schools'' share of b stays within 0.1 of the overall share, every seed');
SELECT ok((SELECT max(abs(reg_b - o.share_b)) >= 0.1 FROM sweep, overall o),
          'the unstratified order of the same schools drifts further for some seed (the contrast)');
SELECT ok((SELECT avg(abs(forest_b - o.share_b)) * 2 < avg(abs(reg_b - o.share_b)) FROM sweep, overall o),
          'stratified: on average less than half the drift of the unstratified split');
SELECT ok((SELECT bool_and(forest_n >= 0.2 * o.n AND boost_n >= 0.2 * o.n) FROM sweep, overall o),
          'the stratified test schools hold at least test_fraction of the rows');
SELECT ok((SELECT bool_and(reg_n >= 0.2 * o.n) FROM sweep, overall o),
          'a regression''s test schools hold at least test_fraction of the rows');
SELECT ok((SELECT bool_and(forest_n < 0.3 * o.n AND boost_n < 0.3 * o.n) FROM sweep, overall o),
          'the stratified test schools stay near test_fraction (within 0.1 of the rows)');
SELECT ok((SELECT count(DISTINCT forest_n) > 1 FROM sweep), 'the seed picks the schools');

-- boosting's validation rows: whole schools of the training rows, stratified too.  With the
-- test rows off, early stopping's validation loss of the constant model is its log loss there.
-- Its log loss there is -(p ln q + (1 - p) ln(1 - q)) on rows with share p of b.
CREATE FUNCTION pg_temp.val_share_b(m edupredict.model_list) RETURNS float8 LANGUAGE sql AS $$
SELECT (ll + ln(1 - q)) / (ln(1 - q) - ln(q))
FROM (SELECT (m.metrics->'validation_curve'->>-1)::float8 AS ll,
             edupredict.predict_proba(m.name, t, 'b') AS q FROM sg t LIMIT 1) s$$;
CREATE TABLE vsweep AS
SELECT s AS seed, pg_temp.val_share_b(b) AS val_b, b.metrics->>'validation_metric' AS metric
FROM generate_series(1, 20) s,
     LATERAL train_boosting('sg_v_' || s, 'sg', 'y', ARRAY['c'], n_rounds => 3, seed => s, test_fraction => 0,
                            validation_fraction => 0.25, group_by => 'school') b;
SELECT is((SELECT min(metric) || max(metric) FROM vsweep), 'loglosslogloss', 'the validation curve is the log loss');
SELECT ok((SELECT max(abs(val_b - o.share_b)) < 0.1 FROM vsweep, overall o),
          'boosting: the validation schools'' share of b stays within 0.1 of the overall share, every seed');

-- cross_validate split => 'stratified_group': every fold's test share of b near the overall one
CREATE TABLE cvf AS
SELECT s AS seed, fold, max(value) FILTER (WHERE metric = 'accuracy') AS acc,
       max(value) FILTER (WHERE metric = 'n_test') AS n_test
FROM generate_series(1, 5) s,
     LATERAL cross_validate('forest', 'sg', 'y', ARRAY['c'], '{"n_trees": 3}', split => 'stratified_group',
                            group_by => 'school', seed => s) v
WHERE fold IS NOT NULL GROUP BY s, fold;
CREATE TABLE cvg AS
SELECT s AS seed, fold, max(value) FILTER (WHERE metric = 'accuracy') AS acc
FROM generate_series(1, 5) s,
     LATERAL cross_validate('forest', 'sg', 'y', ARRAY['c'], '{"n_trees": 3}', split => 'group',
                            group_by => 'school', seed => s) v
WHERE fold IS NOT NULL GROUP BY s, fold;
-- (every fold's constant model predicts a, the majority of its training rows: accuracy = share of a)
SELECT ok((SELECT max(abs((1 - acc) - o.share_b)) < 0.1 FROM cvf, overall o),
          'stratified_group: every fold''s test share of b within 0.1 of the overall share');
SELECT ok((SELECT max(abs((1 - acc) - o.share_b)) FROM cvf, overall o) < (SELECT max(abs((1 - acc) - o.share_b)) FROM cvg, overall o),
          'stratified_group folds track the class mix more closely than group folds');
SELECT is((SELECT count(*) FROM cvf), 25::bigint, 'five folds for each seed');
SELECT ok((SELECT bool_and(n_test > 0) FROM cvf), 'no fold is empty');

-- no school on both sides of a fold: target label is the school's own class, which a model
-- predicts only for a school it trained on, so whole test schools score 0 and a school with
-- rows on both sides scores
CREATE TABLE sg_lab AS SELECT school, x, y, 'L' || school AS label, gx
FROM sg, LATERAL (SELECT ('x' || substr(md5(school), 1, 6))::bit(24)::int / 16777216.0::float8 AS gx) g;
SELECT is((SELECT max(value) FROM cross_validate('forest', 'sg_lab', 'label', ARRAY['gx'], '{"n_trees": 10}',
                                                 split => 'stratified_group', group_by => 'school', folds => 4)
           WHERE metric = 'accuracy' AND fold IS NOT NULL), 0::float8,
          'stratified_group: no fold tests a school it trained on');
SELECT ok((SELECT max(value) > 0.5 FROM cross_validate('forest', 'sg_lab', 'label', ARRAY['gx'], '{"n_trees": 10}', folds => 4)
           WHERE metric = 'accuracy' AND fold IS NOT NULL),
          'stratified folds of rows test schools they trained on (the contrast)');

-- tune takes the split too, and records it
SELECT ok((SELECT count(*) > 0 FROM tune('sg_t', 'forest', 'sg', 'y', '{"n_trees": [3, 4]}', method => 'grid', features => ARRAY['c'],
                                       folds => 3, split => 'stratified_group', group_by => 'school')),
          'tune with split stratified_group');

-- A forest's calibration folds (calibration_folds) under train_forest(group_by) on a classification:
-- whole schools dealt as split => 'stratified_group' deals folds (StratifiedGroupKFold), as the test
-- schools are.  metrics->'calibration_fold_classes' counts each fold's rows of each class (a, b).
-- With test_fraction 0 the training rows are every row, so the calibration folds of seed s are the
-- very folds cross_validate deals with seed s: those of split 'stratified_group' (cvf), not those
-- of split 'group' (cvg, the contrast), whose share of b drifts further.
CREATE TABLE calf AS
SELECT s AS seed, f.ord AS fold, (f.v->>0)::int AS na, (f.v->>1)::int AS nb
FROM generate_series(1, 5) s,
     LATERAL train_forest('sg_c_' || s, 'sg', 'y', ARRAY['c'], n_trees => 3, seed => s, test_fraction => 0,
                          calibration => 'isotonic', calibration_folds => 5, group_by => 'school') m,
     LATERAL jsonb_array_elements(m.metrics->'calibration_fold_classes') WITH ORDINALITY f(v, ord);
SELECT is((SELECT count(*) FROM calf), 25::bigint, 'five calibration folds for each seed, each counted');
SELECT ok((SELECT bool_and(t.n = o.n) FROM (SELECT seed, sum(na + nb) AS n FROM calf GROUP BY seed) t, overall o),
          'the calibration folds hold every training row once');
SELECT ok((SELECT max(abs(nb::float8 / (na + nb) - o.share_b)) < 0.1 FROM calf, overall o),
          'train_forest(group_by): every calibration fold''s share of b within 0.1 of the overall share');
SELECT ok((SELECT max(abs(nb::float8 / (na + nb) - o.share_b)) FROM calf, overall o) * 2 <
          (SELECT max(abs((1 - acc) - o.share_b)) FROM cvg, overall o),
          'the calibration folds drift less than half as far from the class mix as group folds of the same rows');
SELECT is((SELECT array_agg(n ORDER BY seed, n) FROM (SELECT seed, (na + nb) || ':' || nb AS n FROM calf) c),
          (SELECT array_agg(n ORDER BY seed, n)
           FROM (SELECT seed, n_test::int || ':' || round((1 - acc) * n_test)::int AS n FROM cvf) c),
          'the calibration folds are the stratified_group folds of the same rows and seed (rows:b of each)');
-- tune's refit trains as train_forest(group_by) trains (what its params record), whichever group split
CREATE TABLE ct AS SELECT version FROM tune('sg_ct', 'forest', 'sg', 'y', '{"n_trees": [3]}', method => 'grid',
                                             features => ARRAY['c'], folds => 3, split => 'group', group_by => 'school',
                                             params => '{"calibration": "isotonic", "calibration_folds": 5}', seed => 1);
SELECT is((SELECT md5(model) FROM models m, ct WHERE m.name = 'sg_ct' AND m.version = ct.version),
          (SELECT md5(model) FROM models WHERE name = 'sg_c_1'),
          'tune split group: the refit''s calibration folds are train_forest(group_by)''s, stratified');
CREATE TABLE cc AS SELECT new_version FROM calibrate('sg_c_1', 'sg');
SELECT ok((SELECT NOT (m.metrics ? 'calibration_fold_classes') AND NOT (m.metrics ? 'calibration_rows')
           FROM cc, models m WHERE m.name = 'sg_c_1' AND m.version = cc.new_version),
          'calibrate() drops the calibration folds'' counts with the calibrator they counted');

-- sr: class b only in six small schools (2 to 7 pupils), a in twenty of 40 to 59.  Group folds
-- deal the big a schools first and the b schools last, to the folds with the fewest rows: some
-- calibration folds get no b, and their calibrator cannot be fitted (22023).  Stratified group
-- folds give each fold b schools.
CREATE TABLE sr AS
SELECT 'a' || n AS school, 0::float8 AS c, 'a' AS y FROM generate_series(40, 59) n, generate_series(1, n)
UNION ALL
SELECT 'b' || n, 0, 'b' FROM generate_series(2, 7) n, generate_series(1, n);
SELECT lives_ok($$SELECT train_forest('sr_c', 'sr', 'y', ARRAY['c'], n_trees => 3, test_fraction => 0, calibration => 'isotonic',
                                      calibration_folds => 3, group_by => 'school')$$,
                'train_forest(group_by): every calibration fold gets rows of b');
SELECT lives_ok($$SELECT * FROM cross_validate('forest', 'sr', 'y', ARRAY['c'], '{"n_trees": 3, "calibration": "isotonic", "calibration_folds": 3}',
                                               folds => 3, split => 'stratified_group', group_by => 'school')$$,
                'cross_validate stratified_group: every fold''s calibration folds get rows of b');
-- sr2: three more b schools (8 to 10 pupils), so that each 'group' fold's training rows hold b
-- schools enough for every calibration fold; dealt as 'group' deals folds (by size alone) they
-- all went to two of them (22023 "calibration fold 3 has no row of class #2 of 2"), so a trial's
-- calibration was not the refit's.  Under 'group' too they are dealt stratified now.
CREATE TABLE sr2 AS SELECT * FROM sr UNION ALL SELECT 'b' || n, 0, 'b' FROM generate_series(8, 10) n, generate_series(1, n);
SELECT lives_ok($$SELECT * FROM cross_validate('forest', 'sr2', 'y', ARRAY['c'], '{"n_trees": 3, "calibration": "isotonic", "calibration_folds": 3}',
                                               folds => 3, split => 'group', group_by => 'school')$$,
                'cross_validate group: every fold''s calibration folds get rows of b (stratified, as the refit''s)');
-- still whole schools inside each fold under stratified_group: a school's coin (yc, of its gx) is
-- unknown out of fold, so a calibrator fitted on whole unseen schools flattens the probabilities
-- and the unseen test schools cost near ln 2 (test/pgtap/group_split.sql has the same for 'group')
CREATE TABLE sg_coin AS SELECT school, gx, CASE WHEN substr(md5('c' || school), 1, 1) < '8' THEN 'a' ELSE 'b' END AS yc
FROM sg_lab;
SELECT ok((SELECT value < 0.8 FROM cross_validate('forest', 'sg_coin', 'yc', ARRAY['gx'],
                                                  '{"n_trees": 20, "calibration": "sigmoid", "calibration_folds": 5}',
                                                  split => 'stratified_group', group_by => 'school', seed => 2)
           WHERE fold IS NULL AND metric = 'log_loss'),
          'cross_validate stratified_group: the calibration folds are whole schools (log_loss near ln 2)');

-- A trial's calibration folds under split => 'group', as its record shows them: each fold of the
-- cv scores carries calibration_fold_classes (rows of a, b in each calibration fold), as the
-- registry's metrics do for train_forest(group_by) and the refit.  sq: 45 schools of 7 pupils each,
-- all a but every fifth (9 schools of b), so a calibration fold of whole schools holds a multiple
-- of 7 rows of each class.  Each 'group' fold's training rows hold about 6 b schools: dealt
-- stratified, every calibration fold gets b schools, none more than one school ahead of another
-- (dealt by size alone, as 'group' deals folds, one got none: 22023 "calibration fold 3 has no
-- row of class #2 of 2").  The search runs one fold after another (forest_threads 1) and side by
-- side (2).
CREATE TABLE sq AS
SELECT 'q' || lpad(g::text, 2, '0') AS school, ((g * 37 + k * 11) % 100)::float8 / 100 AS x,
       CASE WHEN g % 5 = 0 THEN 'b' ELSE 'a' END AS y
FROM generate_series(1, 45) g, generate_series(1, 7) k;
SET LOCAL edupredict.forest_threads = 1;
SELECT lives_ok($$CREATE TABLE sq_t1 AS SELECT version FROM tune('sq_t1', 'forest', 'sq', 'y', '{"n_trees": [3, 4]}', method => 'grid',
                     features => ARRAY['x'], folds => 3, split => 'group', group_by => 'school',
                     params => '{"calibration": "isotonic", "calibration_folds": 3}', seed => 3)$$,
                'tune group: every trial''s calibration folds hold rows of b (stratified)');
SET LOCAL edupredict.forest_threads = 2;
CREATE TABLE sq_t2 AS SELECT version FROM tune('sq_t2', 'forest', 'sq', 'y', '{"n_trees": [3, 4]}', method => 'grid',
                                               features => ARRAY['x'], folds => 3, split => 'group', group_by => 'school',
                                               params => '{"calibration": "isotonic", "calibration_folds": 3}', seed => 3);
RESET edupredict.forest_threads;
-- one row per (search, trial, fold, calibration fold)
CREATE TABLE sq_cal AS
SELECT r.model_name AS search, (r.metrics->>'trial')::int AS trial, (fo->>'fold')::int AS fold,
       (fo->>'n_train')::int AS n_train, c.ord AS cal, (c.v->>0)::int AS na, (c.v->>1)::int AS nb
FROM runs r, LATERAL jsonb_array_elements(r.metrics->'cv'->'folds') fo,
     LATERAL jsonb_array_elements(fo->'calibration_fold_classes') WITH ORDINALITY c(v, ord)
WHERE r.kind = 'trial' AND r.model_name IN ('sq_t1', 'sq_t2');
SELECT is((SELECT count(*) FROM sq_cal), 36::bigint,
          'tune group: every trial''s every fold records its three calibration folds (2 searches x 2 trials x 3 folds)');
SELECT ok((SELECT bool_and(na % 7 = 0 AND nb % 7 = 0) FROM sq_cal),
          'tune group: each calibration fold holds whole schools (multiples of 7 rows of each class)');
SELECT ok((SELECT bool_and(n = n_train) FROM (SELECT n_train, sum(na + nb) AS n FROM sq_cal GROUP BY search, trial, fold, n_train) s),
          'tune group: a fold''s calibration folds hold its training rows once');
SELECT ok((SELECT bool_and(nb > 0) FROM sq_cal),
          'tune group: every calibration fold of every trial holds b schools');
SELECT ok((SELECT bool_and(hi - lo <= 7) FROM (SELECT max(nb) AS hi, min(nb) AS lo FROM sq_cal GROUP BY search, trial, fold) s),
          'tune group: b schools dealt evenly, stratified (no calibration fold two schools ahead of another)');
SELECT is((SELECT count(DISTINCT (fold, cal, na, nb)) FROM sq_cal), 9::bigint,
          'tune group: one dealing per fold, shared by the trials of both searches (threads or not)');
-- the refit: the same kind of folds, from train_forest(group_by) on every row
SELECT ok((SELECT bool_and((c->>0)::int % 7 = 0 AND (c->>1)::int % 7 = 0 AND (c->>1)::int > 0)
           FROM models m, sq_t1 t, jsonb_array_elements(m.metrics->'calibration_fold_classes') c
           WHERE m.name = 'sq_t1' AND m.version = t.version),
          'tune group: the refit''s calibration folds are whole schools, each with b');
SELECT ok((SELECT bool_and(coalesce(fo->'calibration_fold_classes'->2->>1 <> '0', false))
           FROM runs r, jsonb_array_elements(r.metrics->'folds') fo
           WHERE r.kind = 'cv' AND r.source LIKE '%.sr2'),
          'cross_validate group''s run log records each fold''s calibration folds, the third with b too');
SELECT ok((SELECT bool_and(NOT (fo ? 'calibration_fold_classes'))
           FROM runs r, jsonb_array_elements(r.metrics->'folds') fo
           WHERE r.kind = 'cv' AND r.source LIKE '%sg' AND r.params->>'calibration' IS NULL),
          'no calibration folds, no counts in a fold''s scores');

-- refusals
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'sg', 'y', ARRAY['c'], split => 'stratified_group')$$, '22023',
                 'split => ''stratified_group'' needs group_by', 'stratified_group without group_by: 22023');
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'sg', 'yb', ARRAY['c'], '{"task": "regression"}', split => 'stratified_group',
                                                group_by => 'school')$$, '22023',
                 'split => ''stratified_group'' needs a classification, but the target is a regression',
                 'stratified_group on a regression: 22023');
SELECT throws_ok($$SELECT * FROM cross_validate('forest', 'sg', 'y', ARRAY['c'], split => 'stratified_group', group_by => 'school',
                                                folds => 41)$$, '22023',
                 'group_by column "school" has 40 distinct values, fewer than the 41 folds',
                 'stratified_group: fewer schools than folds: 22023');
SELECT throws_ok($$SELECT * FROM tune('sg_t', 'forest', 'sg', 'yb', '{"n_trees": [3]}', method => 'grid', features => ARRAY['c'],
                                      params => '{"task": "regression"}', split => 'stratified_group', group_by => 'school')$$, '22023',
                 NULL, 'tune: stratified_group on a regression: 22023');

SELECT * FROM finish();
ROLLBACK;
