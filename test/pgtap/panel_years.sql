-- Year panels on generated district data (the district study of issue 13):
-- test scores follow last year's scores, so a forest given lag features
-- beats one without them on the next year, with a time-ordered split.
BEGIN;
SELECT plan(6);
SET LOCAL client_min_messages = warning;

-- 80 districts, 2010-2022.  score = 0.8 * last year's score + 0.2 * the
-- district's level + 3 * standardised spend + noise (sd 2): given last
-- year's score and this year's spend, the best possible RMSE is about 2.  About one
-- district-year in eight is missing (no row), never the first year.
CREATE TEMP TABLE district_years AS
WITH RECURSIVE y(district, year, level, score) AS (
  SELECT d, 2010, 40 + 30 * edupredict.seeded_uniform(1, 1, d), 40 + 30 * edupredict.seeded_uniform(1, 1, d)
  FROM generate_series(1, 80) d
  UNION ALL
  SELECT district, year + 1, level,
         0.8 * score + 0.2 * level + 3 * (edupredict.seeded_normal(1, 2, district, year + 1))
           + 2 * edupredict.seeded_normal(1, 3, district, year + 1)
  FROM y WHERE year < 2022)
SELECT district, year, 1000 + 100 * edupredict.seeded_normal(1, 2, district, year) AS spend, score
FROM y
WHERE year = 2010 OR edupredict.seeded_uniform(1, 4, district, year) >= 0.125;

SELECT cmp_ok((SELECT count(*) FROM district_years), '<', 80 * 13::bigint, 'the data has gaps');

SELECT 1 FROM edupredict.build_panel('pg_temp.dy', 'district_years', '{district}', 'year', 'year',
                              '{count,mean(score),mean(spend)}', lags => '{1,2}', rolling => '{3}',
                              fill => 'carry_forward');
SELECT is((SELECT count(*) FROM dy), 80 * 13::bigint, 'one row per district and year, gaps included');
SELECT is((SELECT count(*) FROM dy d WHERE n_events = 0 AND mean_score IS DISTINCT FROM mean_score_lag1), 0::bigint,
          'a missing year carries the last year forward');

-- Train on the years up to 2020 (observed years only: a filled year is no
-- target), test on 2021.
SELECT * FROM edupredict.panel_split('pg_temp.dy', 2020);
CREATE TEMP VIEW dy_fit AS SELECT * FROM dy_train WHERE n_events > 0 AND period > 2011;
CREATE TEMP VIEW dy_eval AS SELECT * FROM dy_test WHERE n_events > 0;
SELECT 1 FROM edupredict.train_forest('panel_years_lags', 'dy_fit', 'mean_score',
         features => '{mean_spend,mean_score_lag1,mean_score_lag2}', n_trees => 50, seed => 1, test_fraction => 0);
SELECT 1 FROM edupredict.train_forest('panel_years_nolags', 'dy_fit', 'mean_score',
         features => '{mean_spend}', n_trees => 50, seed => 1, test_fraction => 0);
CREATE TEMP TABLE rmse AS
SELECT (SELECT value FROM edupredict.evaluate('panel_years_lags', 'dy_eval') WHERE metric = 'rmse') AS with_lags,
       (SELECT value FROM edupredict.evaluate('panel_years_nolags', 'dy_eval') WHERE metric = 'rmse') AS without_lags;
SELECT cmp_ok((SELECT count(*) FROM dy_eval), '>', 60::bigint, 'the test year has most districts');
SELECT cmp_ok((SELECT with_lags FROM rmse), '<', (SELECT 0.5 * without_lags FROM rmse),
              'with lag features the test RMSE is less than half the RMSE without them');
SELECT cmp_ok((SELECT with_lags FROM rmse), '<', 3.5::float8, 'and within 1.75 times the noise (sd 2)');
SELECT diag('RMSE on 2021 with lags ' || round(with_lags::numeric, 2) || ', without ' || round(without_lags::numeric, 2))
FROM rmse;

SELECT * FROM finish();
ROLLBACK;
