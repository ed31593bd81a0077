-- Balanced spectral clustering: catalog properties, computed values checked
-- against what a correct clustering must give (worked out from the
-- geometry of the inputs, or recomputed in plain SQL), and error SQLSTATEs.
BEGIN;
SELECT plan(37);
SET LOCAL search_path = edupredict, public;

-- a 10 x 10 grid of points 0.01 degrees apart near London (i = row * 10 + column)
CREATE TEMP TABLE tap_pts AS
SELECT i, ST_SetSRID(ST_MakePoint(-0.1 + (i % 10) * 0.01, 51.5 + (i / 10) * 0.01), 4326) AS g
FROM generate_series(0, 99) i;
-- the same grid in metres (SRID 0: planar, hub_summary reports units / 1000)
CREATE TEMP TABLE tap_grid AS
SELECT i, ST_MakePoint((i % 10) * 1000, (i / 10) * 1000) AS g FROM generate_series(0, 99) i;

-- catalog
SELECT is_window('edupredict', 'balanced_spectral_cluster',
                 ARRAY['geometry', 'integer', 'integer', 'integer', 'text'],
                 'balanced_spectral_cluster(geom, k, ...) is a window function');
SELECT is_window('edupredict', 'balanced_spectral_cluster',
                 ARRAY['geometry', 'integer', 'integer', 'integer', 'integer', 'text'],
                 'balanced_spectral_cluster(geom, min_size, max_size, ...) is a window function');
SELECT volatility_is('edupredict', 'balanced_spectral_cluster', ARRAY['geometry', 'integer', 'integer', 'integer', 'text'],
                     'stable', 'k form is STABLE (reads spatial_ref_sys; deterministic for a seed)');
SELECT volatility_is('edupredict', 'balanced_spectral_cluster',
                     ARRAY['geometry', 'integer', 'integer', 'integer', 'integer', 'text'], 'stable', 'range form is STABLE');
SELECT function_returns('edupredict', 'balanced_spectral_cluster', ARRAY['geometry', 'integer', 'integer', 'integer', 'text'],
                        'integer', 'returns the hub number');
SELECT volatility_is('edupredict', 'hub_summary', ARRAY['geometry[]', 'integer[]'], 'stable', 'hub_summary is STABLE');
SELECT is_strict('edupredict', 'hub_summary', ARRAY['geometry[]', 'integer[]'], 'hub_summary is STRICT');
SELECT ok((SELECT proretset FROM pg_proc WHERE oid = 'edupredict.hub_summary(geometry[], integer[])'::regprocedure),
          'hub_summary returns a set');
SELECT ok((SELECT proparallel = 's' FROM pg_proc
           WHERE oid = 'edupredict.balanced_spectral_cluster(geometry, integer, integer, integer, text)'::regprocedure),
          'k form is PARALLEL SAFE');
SELECT ok((SELECT proparallel = 's' FROM pg_proc
           WHERE oid = 'edupredict.balanced_spectral_cluster(geometry, integer, integer, integer, integer, text)'::regprocedure),
          'range form is PARALLEL SAFE');
SELECT hasnt_function('edupredict', 'balanced_spectral_cluster', ARRAY['geometry', 'integer', 'integer', 'integer'],
                      'the 0.1.0 k form is replaced');

-- results: sizes, and which points share a hub
SELECT results_eq($$SELECT count(*)::int FROM (SELECT balanced_spectral_cluster(g, 4) OVER () AS h FROM tap_pts) s
                    GROUP BY h ORDER BY 1$$,
                  $$VALUES (25), (25), (25), (25)$$, 'k = 4 on 100 points gives four hubs of 25');
-- the only compact split of a square grid into four equal hubs is its four
-- 5 x 5 quadrants: every hub holds exactly one quadrant
SELECT results_eq($$SELECT quadrant, count(DISTINCT h)::int, count(*)::int
                    FROM (SELECT ((i % 10) / 5) * 2 + (i / 10) / 5 AS quadrant,
                                 balanced_spectral_cluster(g, 4) OVER () AS h FROM tap_pts) s
                    GROUP BY quadrant ORDER BY quadrant$$,
                  $$VALUES (0, 1, 25), (1, 1, 25), (2, 1, 25), (3, 1, 25)$$,
                  'k = 4 on a 10 x 10 grid: one hub per 5 x 5 quadrant');
SELECT results_eq($$SELECT count(DISTINCT h)::int, min(h), max(h) FROM
                    (SELECT balanced_spectral_cluster(g, 4) OVER () AS h FROM tap_pts) s$$,
                  $$VALUES (4, 0, 3)$$, 'hubs are numbered 0..k-1');
SELECT results_eq($$SELECT count(DISTINCT h)::int FROM
                    (SELECT balanced_spectral_cluster(g, min_size => 8, max_size => 12) OVER () AS h FROM tap_pts) s$$,
                  $$VALUES (10)$$, 'sizes 8..12 on 100 points give 10 hubs');
-- hubs of 8 to 12 grid points are compact: at least as good as tiling the
-- grid with 2 x 5 blocks (mean member distance to the centre 1.372 units,
-- farthest member 2.06), and no member beyond 2.5 units of its centroid
SELECT ok((SELECT avg(mean_km) < 1.372 AND max(max_km) <= 2.5 AND min(size) >= 8 AND max(size) <= 12
           FROM (SELECT array_agg(g) AS g, array_agg(h) AS h
                 FROM (SELECT g, balanced_spectral_cluster(g, min_size => 8, max_size => 12) OVER () AS h
                       FROM tap_grid) s) a,
                hub_summary(a.g, a.h)),
          'sizes 8..12 on a 10 x 10 grid: every hub within bounds and compact');
-- two groups 1000 units apart split cleanly, whatever the row order
SELECT results_eq($$SELECT x, count(DISTINCT h)::int FROM
                    (SELECT ST_X(g) AS x, balanced_spectral_cluster(g, 2) OVER (ORDER BY i DESC) AS h
                     FROM (SELECT i, ST_MakePoint(CASE WHEN i % 2 = 0 THEN 0 ELSE 1000 END, i) AS g
                           FROM generate_series(1, 40) i) p) s
                    GROUP BY x ORDER BY x$$,
                  $$VALUES (0::float8, 1), (1000::float8, 1)$$, 'two separated groups make the two hubs');

-- hub_summary against the same formulas in plain SQL: centroid = mean
-- longitude and latitude, distance = haversine on a 6371.0088 km sphere
CREATE TEMP TABLE tap_sum AS
SELECT i, (i % 3) * 7 - 4 AS hub, ST_X(g) AS lon, ST_Y(g) AS lat, g FROM tap_pts WHERE i % 9 <> 4;
SELECT results_eq(
  $$SELECT hub, size, round(ST_X(centroid)::numeric, 9), round(ST_Y(centroid)::numeric, 9),
           round(mean_km::numeric, 9), round(max_km::numeric, 9)
    FROM (SELECT array_agg(g) AS g, array_agg(hub) AS h FROM tap_sum) a, hub_summary(a.g, a.h) ORDER BY hub$$,
  $$WITH c AS (SELECT hub, count(*)::int AS size, avg(lon) AS clon, avg(lat) AS clat FROM tap_sum GROUP BY hub),
         d AS (SELECT s.hub, 2 * 6371.0088 * asin(sqrt(sin(radians(s.lat - c.clat) / 2) ^ 2
                  + cos(radians(s.lat)) * cos(radians(c.clat)) * sin(radians(s.lon - c.clon) / 2) ^ 2)) AS km
               FROM tap_sum s JOIN c USING (hub))
    SELECT c.hub, c.size, round(c.clon::numeric, 9), round(c.clat::numeric, 9),
           round(avg(d.km)::numeric, 9), round(max(d.km)::numeric, 9)
    FROM c JOIN d USING (hub) GROUP BY c.hub, c.size, c.clon, c.clat ORDER BY c.hub$$,
  'hub_summary: sizes, centroids and distances equal the plain-SQL haversine');
SELECT results_eq($$SELECT hub, size, round(mean_km::numeric, 9), round(max_km::numeric, 9)
                    FROM hub_summary(ARRAY['POINT(0 0)', 'POINT(3000 4000)', 'POINT(0 0)']::geometry[],
                                     ARRAY[5, 5, 6])$$,
                  $$VALUES (5, 2, 2.5, 2.5), (6, 1, 0.0, 0.0)$$,
                  'hub_summary planar: distances are units / 1000 from the mean point');

-- partitions that cannot be split (on_infeasible)
SELECT results_eq($$SELECT count(h)::int FROM
                    (SELECT balanced_spectral_cluster(g, min_size => 30, max_size => 32, on_infeasible => 'null')
                              OVER () AS h FROM tap_pts) s$$,
                  $$VALUES (0)$$, 'on_infeasible null: no hubs when no hub count fits');
-- 100 points in 30..32: 3 hubs need a largest hub of 34 (2 over), 4 hubs a
-- smallest of 25 (5 under), so the bounds become 30..34: three hubs, and
-- sizes of 32 to 34 (two hubs of 34 leave 32, two of 30 would leave 40)
SELECT results_eq($$SELECT count(*)::int, min(size) >= 32 AND max(size) <= 34, sum(size)::int
                    FROM (SELECT h, count(*) AS size
                          FROM (SELECT balanced_spectral_cluster(g, min_size => 30, max_size => 32,
                                                                 on_infeasible => 'nearest') OVER () AS h
                                FROM tap_pts) s GROUP BY h) t$$,
                  $$VALUES (3, true, 100)$$, 'on_infeasible nearest: the nearest feasible sizes');
SELECT results_eq($$SELECT count(*)::int FROM
                    (SELECT balanced_spectral_cluster(g, 7, on_infeasible => 'nearest') OVER () AS h
                     FROM tap_pts WHERE i < 5) s GROUP BY h$$,
                  $$VALUES (1), (1), (1), (1), (1)$$, 'on_infeasible nearest: k above N gives one hub per point');

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
SELECT throws_ok($$SELECT balanced_spectral_cluster(g, 4, on_infeasible => 'skip') OVER () FROM tap_pts$$,
                 '22023', 'on_infeasible must be ''error'', ''null'' or ''nearest''', 'unknown on_infeasible is 22023');
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

SELECT throws_ok($$SELECT balanced_spectral_cluster(g, 2) OVER ()
                   FROM (VALUES (ST_MakePoint('NaN', 0)), (ST_MakePoint(1, 1)), (ST_MakePoint(2, 2))) v(g)$$,
                 '22023', 'geometry coordinates must be finite', 'a NaN coordinate is 22023');
SELECT throws_ok($$SELECT * FROM hub_summary(ARRAY[ST_MakePoint('Infinity', 0), ST_MakePoint(1, 1)], ARRAY[0, 0])$$,
                 '22023', 'geometry coordinates must be finite', 'an infinite coordinate in hub_summary is 22023');
SELECT throws_ok($$SET LOCAL edupredict.cluster_max_points = 1;
                   SELECT * FROM hub_summary(ARRAY['POINT(0 0)', 'POINT(1 1)']::geometry[], ARRAY[0, 0])$$,
                 '54000', 'hub_summary of 2 points exceeds edupredict.cluster_max_points (1)',
                 'hub_summary over the cap is 54000');
RESET edupredict.cluster_max_points;
-- a PostGIS function the clustering calls, gone (renamed by a superuser)
SELECT extnamespace::regnamespace::text AS postgis_schema FROM pg_extension WHERE extname = 'postgis' \gset
ALTER FUNCTION :"postgis_schema".st_centroid(geometry) RENAME TO st_centroid_gone;
SELECT throws_ok($$SELECT * FROM hub_summary(ARRAY['POINT(0 0)', 'POINT(1 1)']::geometry[], ARRAY[0, 0])$$,
                 '42883', format('PostGIS function %s.st_centroid not found', :'postgis_schema'),
                 'a PostGIS function that is gone is 42883');
ALTER FUNCTION :"postgis_schema".st_centroid_gone(geometry) RENAME TO st_centroid;

SELECT * FROM finish();
ROLLBACK;
