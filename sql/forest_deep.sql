-- Trees hundreds of levels deep: growth (the forest's node stack starts at
-- 64 entries and grows), prediction, TreeSHAP, importance, the registry and
-- the model parser after a reconnect.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;
DELETE FROM edupredict.models WHERE name LIKE 'deep\_%';

-- 400 rows, 400 indicator features: x<j> is 1 on row j only.  A split on x<j>
-- (bins 0 and 1) can only send row j right and every other row left, so every
-- split peels one row off and the tree is a chain down its left side: its
-- depth is its number of splits, and the forest's depth-first growth keeps
-- every right sibling on its stack while it goes down the left.
DO $$
BEGIN
  EXECUTE (SELECT 'CREATE TABLE deep_rows (i int, y float8, c text, '
                  || string_agg(format('x%s int', j), ', ' ORDER BY j) || ')'
           FROM generate_series(1, 400) j);
  EXECUTE (SELECT 'INSERT INTO deep_rows SELECT i, i, CASE WHEN i % 2 = 0 THEN ''even'' ELSE ''odd'' END, '
                  || string_agg(format('(i = %s)::int', j), ', ' ORDER BY j)
                  || ' FROM generate_series(1, 400) i'
           FROM generate_series(1, 400) j);
END
$$;
SELECT array_agg('x' || j ORDER BY j) AS deep_features FROM generate_series(1, 400) j \gset

-- regression, y = i (all distinct): one unlimited tree (max_depth NULL)
-- peels off every in-bag row, the last one alone too, so the in-bag rows are
-- predicted exactly and the out-of-bag ones (all of their own x<j> unsplit)
-- land in the last leaf: exact predictions = splits + 1
SELECT name, task, n_rows FROM train_forest('deep_reg', 'deep_rows', 'y', :'deep_features', task => 'regression',
                                            n_trees => 1, max_depth => NULL, test_fraction => 0);
SELECT max(splits) AS max_splits_per_feature, sum(splits) > 200 AS deeper_than_200
FROM feature_importance('deep_reg', NULL);
SELECT count(*) FILTER (WHERE predict('deep_reg', d)::float8 = y)
         = (SELECT sum(splits) + 1 FROM feature_importance('deep_reg', NULL)) AS exact_in_bag,
       count(*) FILTER (WHERE predict('deep_reg', d)::float8 <> y) > 0 AS out_of_bag_seen
FROM deep_rows d;
-- TreeSHAP down the whole chain: the contributions add up to the prediction
-- less the base value, for the deepest row and the shallowest
SELECT i, abs(predict('deep_reg', d)::float8 - explain_base_value('deep_reg')
              - (SELECT sum(contribution) FROM explain('deep_reg', d))) < 1e-6 AS additive
FROM deep_rows d
WHERE i IN ((SELECT min(i) FROM deep_rows d2 WHERE predict('deep_reg', d2)::float8 = y),
            (SELECT max(i) FROM deep_rows d2 WHERE predict('deep_reg', d2)::float8 = y))
ORDER BY i;
SELECT abs(sum(importance) - 1) < 1e-9 AS sums_to_1 FROM feature_importance('deep_reg', NULL);

-- classification: even/odd alternate, so the rows only come apart one at a
-- time; the chain peels rows until its last leaf is pure
SELECT name, task, classes FROM train_forest('deep_cls', 'deep_rows', 'c', :'deep_features',
                                             n_trees => 1, test_fraction => 0);
SELECT max(splits) AS max_splits_per_feature, sum(splits) > 64 AS deeper_than_64
FROM feature_importance('deep_cls', NULL);
SELECT bool_and(abs((SELECT sum(p) FROM unnest(predict_proba('deep_cls', d)) p) - 1) < 1e-12) AS sums_to_1,
       bool_and(predict_proba('deep_cls', d, predict('deep_cls', d)) >= 0.5) AS argmax,
       bool_and(predict_proba('deep_cls', d, 'odd') IN (0, 1)) AS pure_leaves
FROM deep_rows d;
SELECT count(*) AS rows_explained,
       bool_and(abs(predict_proba('deep_cls', d, 'odd') - explain_base_value('deep_cls', 'odd')
                    - (SELECT sum(contribution) FROM explain('deep_cls', d, class => 'odd'))) < 1e-6) AS additive
FROM deep_rows d WHERE i % 40 = 1;

-- worker threads grow trees over their own (malloc) memory: their stacks grow
-- too, and the forest is the one a single thread grows
SET edupredict.forest_threads = 1;
SELECT name FROM train_forest('deep_one', 'deep_rows', 'y', :'deep_features', task => 'regression',
                              n_trees => 4, test_fraction => 0);
SET edupredict.forest_threads = 2;
SELECT name FROM train_forest('deep_two', 'deep_rows', 'y', :'deep_features', task => 'regression',
                              n_trees => 4, test_fraction => 0);
RESET edupredict.forest_threads;
SELECT (SELECT max(splits) FROM feature_importance('deep_two', NULL)) <= 4 AS once_per_tree,
       (SELECT sum(splits) FROM feature_importance('deep_two', NULL)) > 4 * 200 AS deeper_than_200_on_average,
       bool_and(predict('deep_one', d) = predict('deep_two', d)) AS same_forest,
       (SELECT metrics->>'threads' FROM edupredict.models WHERE name = 'deep_two') AS threads
FROM deep_rows d;

-- boosting grows as deep with max_leaves and no max_depth (best first: the
-- one-row right child cannot split, so the chain is again the whole tree)
SELECT name, task FROM train_boosting('deep_boost', 'deep_rows', 'y', :'deep_features', task => 'regression',
                                      n_rounds => 1, learning_rate => 1, max_depth => NULL, max_leaves => 300,
                                      l2 => 0, test_fraction => 0);
SELECT max(splits) AS max_splits_per_feature, sum(splits) AS splits
FROM feature_importance('deep_boost', NULL);
SELECT count(*) FILTER (WHERE abs(predict('deep_boost', d)::float8 - y) < 1e-3) >= 299 AS peeled_rows_exact
FROM deep_rows d;
SELECT count(*) AS rows_explained,
       bool_and(abs(predict('deep_boost', d)::float8 - explain_base_value('deep_boost')
                    - (SELECT sum(contribution) FROM explain('deep_boost', d))) < 1e-4) AS additive
FROM deep_rows d WHERE i % 40 = 1;

-- TreeSHAP's table path (at most 8 distinct features on a path and at most
-- 255 levels: per-edge weights precomputed, depths kept in a byte) on a
-- chain 249 levels deep.  One feature x = 1..250 and alternating classes: a
-- cut after k rows leaves the left side at most one row off balance, so the
-- largest gain peels a single end row (k = 1) with min_child_weight 0; best
-- first, the rest is cut the same way until every row is its own leaf.
CREATE TABLE deep_one_feature AS
SELECT i, i::float8 AS x, CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END AS c FROM generate_series(1, 250) i;
SELECT name FROM train_boosting('deep_tab', 'deep_one_feature', 'c', '{x}', n_rounds => 1, learning_rate => 1,
                                max_depth => NULL, max_leaves => 300, min_child_weight => 0, test_fraction => 0);
SELECT name FROM train_boosting('deep_tab32', 'deep_one_feature', 'c', '{x}', n_rounds => 1, learning_rate => 1,
                                max_depth => 32, max_leaves => 300, min_child_weight => 0, test_fraction => 0);
SELECT splits FROM feature_importance('deep_tab', NULL);
-- deeper than 32 (the capped tree scores rows differently), every row its
-- own leaf, and the contributions add up to the log-odds less the base value
SELECT count(*) FILTER (WHERE predict_proba('deep_tab', d, 'odd') <> predict_proba('deep_tab32', d, 'odd')) > 0
         AS deeper_than_32,
       bool_and(predict('deep_tab', d) = c) AS every_row_exact,
       bool_and(abs(ln(predict_proba('deep_tab', d, 'odd') / (1 - predict_proba('deep_tab', d, 'odd')))
                    - explain_base_value('deep_tab', 'odd')
                    - (SELECT sum(contribution) FROM explain('deep_tab', d, class => 'odd'))) < 1e-9) AS additive
FROM deep_one_feature d;
DROP TABLE deep_one_feature;

-- the registry's bytes parse back into the same trees: every score and
-- explanation is the same after a reconnect (no parsed model cached)
SELECT md5(string_agg(predict('deep_reg', d) || '/' || predict('deep_cls', d)
                      || '/' || (predict_proba('deep_cls', d))::text || '/' || predict('deep_boost', d),
                      ',' ORDER BY i)) AS scores_before,
       md5(string_agg((SELECT string_agg(feature || '=' || contribution::text, ';' ORDER BY feature)
                       FROM explain('deep_reg', d)), ',' ORDER BY i)) AS shap_before
FROM deep_rows d WHERE i % 7 = 0 \gset
\c
SET search_path = edupredict, public;
SELECT md5(string_agg(predict('deep_reg', d) || '/' || predict('deep_cls', d)
                      || '/' || (predict_proba('deep_cls', d))::text || '/' || predict('deep_boost', d),
                      ',' ORDER BY i)) = :'scores_before' AS same_scores,
       md5(string_agg((SELECT string_agg(feature || '=' || contribution::text, ';' ORDER BY feature)
                       FROM explain('deep_reg', d)), ',' ORDER BY i)) = :'shap_before' AS same_shap
FROM deep_rows d WHERE i % 7 = 0;
-- and the model bytes, read back, score a row as the model did
SELECT bool_and(predict(m.model, ARRAY(SELECT (d.i = j)::int::float8 FROM generate_series(1, 400) j ORDER BY j))
                = predict('deep_reg', d)) AS bytes_score_alike
FROM edupredict.models m, deep_rows d WHERE m.name = 'deep_reg' AND d.i % 7 = 0;

DELETE FROM edupredict.models WHERE name LIKE 'deep\_%';
DROP TABLE deep_rows;
