-- Balanced spectral clustering: catalog properties and error SQLSTATEs.
BEGIN;
SELECT plan(22);
SET LOCAL search_path = edupredict, public;

CREATE TEMP TABLE tap_pts AS
SELECT i, ST_SetSRID(ST_MakePoint(-0.1 + (i % 10) * 0.01, 51.5 + (i / 10) * 0.01), 4326) AS g
FROM generate_series(0, 99) i;

-- catalog
SELECT is_window('edupredict', 'balanced_spectral_cluster', ARRAY['geometry', 'integer', 'integer', 'integer'],
                 'balanced_spectral_cluster(geom, k, ...) is a window function');
SELECT is_window('edupredict', 'balanced_spectral_cluster',
                 ARRAY['geometry', 'integer', 'integer', 'integer', 'integer'],
                 'balanced_spectral_cluster(geom, min_size, max_size, ...) is a window function');
SELECT volatility_is('edupredict', 'balanced_spectral_cluster', ARRAY['geometry', 'integer', 'integer', 'integer'],
                     'stable', 'k form is STABLE (reads spatial_ref_sys; deterministic for a seed)');
SELECT volatility_is('edupredict', 'balanced_spectral_cluster',
                     ARRAY['geometry', 'integer', 'integer', 'integer', 'integer'], 'stable', 'range form is STABLE');
SELECT function_returns('edupredict', 'balanced_spectral_cluster', ARRAY['geometry', 'integer', 'integer', 'integer'],
                        'integer', 'returns the hub number');
SELECT volatility_is('edupredict', 'hub_summary', ARRAY['geometry[]', 'integer[]'], 'stable', 'hub_summary is STABLE');
SELECT is_strict('edupredict', 'hub_summary', ARRAY['geometry[]', 'integer[]'], 'hub_summary is STRICT');
SELECT ok((SELECT proretset FROM pg_proc WHERE oid = 'edupredict.hub_summary(geometry[], integer[])'::regprocedure),
          'hub_summary returns a set');
SELECT ok((SELECT proparallel = 's' FROM pg_proc
           WHERE oid = 'edupredict.balanced_spectral_cluster(geometry, integer, integer, integer)'::regprocedure),
          'k form is PARALLEL SAFE');
SELECT ok((SELECT proparallel = 's' FROM pg_proc
           WHERE oid = 'edupredict.balanced_spectral_cluster(geometry, integer, integer, integer, integer)'::regprocedure),
          'range form is PARALLEL SAFE');

-- results
SELECT results_eq($$SELECT count(*)::int FROM (SELECT balanced_spectral_cluster(g, 4) OVER () AS h FROM tap_pts) s
                    GROUP BY h ORDER BY 1$$,
                  $$VALUES (25), (25), (25), (25)$$, 'k = 4 on 100 points gives four hubs of 25');
SELECT results_eq($$SELECT count(DISTINCT h)::int FROM
                    (SELECT balanced_spectral_cluster(g, min_size => 8, max_size => 12) OVER () AS h FROM tap_pts) s$$,
                  $$VALUES (10)$$, 'sizes 8..12 on 100 points give 10 hubs');

-- errors and their SQLSTATEs
SELECT throws_ok($$SELECT balanced_spectral_cluster(g, 0) OVER () FROM tap_pts$$, '22023',
                 'k must be between 1 and the number of points', 'k < 1 is 22023');
SELECT throws_ok($$SELECT balanced_spectral_cluster(g, 101) OVER () FROM tap_pts$$, '22023',
                 'k must be between 1 and the number of points', 'k > N is 22023');
SELECT throws_ok($$SELECT balanced_spectral_cluster(g, NULL::int) OVER () FROM tap_pts$$, '22004',
                 'k must not be null', 'NULL k is 22004');
SELECT throws_ok($$SELECT balanced_spectral_cluster(g, min_size => 12, max_size => 8) OVER () FROM tap_pts$$,
                 '22023', 'min_size must not exceed max_size', 'min > max is 22023');
SELECT throws_ok($$SELECT balanced_spectral_cluster(g, min_size => 30, max_size => 32) OVER () FROM tap_pts$$,
                 '22023', 'no number of hubs fits sizes 30 to 32', 'no feasible k is 22023');
SELECT throws_ok($$SELECT balanced_spectral_cluster(g, 4, n_neighbors => 0) OVER () FROM tap_pts$$, '22023',
                 'n_neighbors must be between 1 and 200', 'bad n_neighbors is 22023');
SELECT throws_ok($$SELECT balanced_spectral_cluster(g, 2) OVER ()
                   FROM (VALUES ('SRID=4326;POINT(0 0)'::geometry), ('SRID=27700;POINT(1 1)')) v(g)$$,
                 '22023', 'mixed SRIDs in one partition', 'mixed SRIDs are 22023');
SELECT throws_ok($$SELECT balanced_spectral_cluster(g, 2) OVER ()
                   FROM (VALUES ('SRID=990001;POINT(0 0)'::geometry), ('SRID=990001;POINT(1 1)')) v(g)$$,
                 '22023', 'SRID 990001 is not in spatial_ref_sys', 'unknown SRID is 22023');
SELECT throws_ok($$SET LOCAL edupredict.cluster_max_points = 10;
                   SELECT balanced_spectral_cluster(g, 2) OVER () FROM tap_pts$$, '54000', NULL,
                 'partition over the cap is 54000');
SELECT throws_ok($$SELECT * FROM hub_summary(ARRAY['POINT(0 0)']::geometry[], ARRAY[0, 1])$$, '2202E',
                 'geom and hub arrays must have the same length', 'array length mismatch is 2202E');

SELECT * FROM finish();
ROLLBACK;
