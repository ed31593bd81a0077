-- balanced_spectral_cluster and hub_summary: size guarantees, partitions
-- and what a partition that cannot be split gets (on_infeasible), NULL/empty
-- input, duplicates, SRIDs, every error, compactness against the documented
-- figures, determinism over seeds, seed and n_neighbors in effect,
-- cancellation within a bound.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
\i data/london_schools_wlz/load.sql
SET search_path = edupredict, public;

-- the bundled schools: one row per URN, and the extension's own copy
-- (edupredict.london_schools) agrees with them school by school
SELECT count(*) AS schools, count(DISTINCT urn) AS urns FROM edupredict_data.schools;
SELECT count(*) AS bundled, count(s.urn) AS found,
       count(*) FILTER (WHERE s.la_name = l.la_name AND s.phase = l.phase
                          AND s.longitude = l.longitude AND s.latitude = l.latitude) AS identical
FROM edupredict.london_schools l LEFT JOIN edupredict_data.schools s USING (urn);

-- Feasible number of hubs for a size range, written out in SQL to check the
-- C code against: the k with k*min <= n <= k*max closest to n / mid, the
-- smaller on a tie; NULL when there is none.
CREATE TEMP TABLE cl_ranges AS
SELECT * FROM (VALUES (30, 40), (10, 12), (100, 150), (5, 6), (600, 700)) v(lo, hi);
CREATE FUNCTION pg_temp.expected_hubs(n int, lo int, hi int) RETURNS int LANGUAGE sql AS $$
  SELECT k FROM generate_series(1, n) k
  WHERE k * lo <= n AND n <= k * hi
  ORDER BY abs(k - n / ((lo + hi) / 2.0)), k LIMIT 1 $$;
-- on_infeasible => 'nearest', by brute force over every hub count: relax
-- one bound by the fewest points (the fewer, larger hubs on a tie), then
-- the sizes k hubs within the relaxed bounds can actually have
CREATE FUNCTION pg_temp.nearest_split(n int, lo int, hi int, OUT k int, OUT lo_eff int, OUT hi_eff int)
LANGUAGE sql AS $$
  SELECT k, greatest(lo2, n - (k - 1) * hi2), least(hi2, n - (k - 1) * lo2)
  FROM (SELECT k, least(lo, n / k) AS lo2, greatest(hi, (n + k - 1) / k) AS hi2,
               greatest(0, (n + k - 1) / k - hi) + greatest(0, lo - n / k) AS relaxed
        FROM generate_series(1, n) k) c
  ORDER BY relaxed, k LIMIT 1 $$;

-- exact k on London (3,493 schools): every hub has floor(N/k) or ceil(N/k)
-- members, hub numbers are 0..k-1
SELECT k, count(*) AS hubs, min(size) AS min_size, max(size) AS max_size,
       min(size) = 3493 / k AND max(size) = ceil(3493.0 / k) AS exact,
       min(hub) AS first_hub, max(hub) AS last_hub
FROM (SELECT k, hub, count(*) AS size
      FROM (VALUES (1), (2), (6), (17), (111), (500)) ks(k),
           LATERAL (SELECT balanced_spectral_cluster(geom, ks.k) OVER () AS hub
                    FROM edupredict_data.schools) s
      GROUP BY k, hub) t
GROUP BY k ORDER BY k;

-- size ranges on London: every hub within bounds, the expected hub count
SELECT r.lo, r.hi, count(*) AS hubs, pg_temp.expected_hubs(3493, r.lo, r.hi) AS expected,
       min(size) AS min_size, max(size) AS max_size,
       bool_and(size BETWEEN r.lo AND r.hi) AS within
FROM cl_ranges r,
     LATERAL (SELECT hub, count(*) AS size
              FROM (SELECT balanced_spectral_cluster(geom, min_size => r.lo, max_size => r.hi)
                             OVER () AS hub
                    FROM edupredict_data.schools) s
              GROUP BY hub) t
GROUP BY r.lo, r.hi ORDER BY r.lo;

-- projected coordinates (British National Grid) give the same guarantees
SELECT count(*) AS hubs, min(size), max(size)
FROM (SELECT hub, count(*) AS size
      FROM (SELECT balanced_spectral_cluster(geom_bng, min_size => 30, max_size => 40) OVER () AS hub
            FROM edupredict_data.schools) s GROUP BY hub) t;

-- compactness on London with the default seed, scored by hub_summary
-- (great-circle km), against the figures docs/clustering.md states (k = 6:
-- 6.71 km, worst hub 7.60 km; sizes 30..40: 1.62 km, worst hub 4.89 km):
-- each must hold to the rounding of the stated figure
CREATE TEMP TABLE cl_compact AS
SELECT 'k = 6' AS run, s.*
FROM (SELECT array_agg(geom) AS g, array_agg(hub) AS h
      FROM (SELECT geom, balanced_spectral_cluster(geom, 6) OVER () AS hub
            FROM edupredict_data.schools) c) a,
     hub_summary(a.g, a.h) s
UNION ALL
SELECT 'sizes 30..40', s.*
FROM (SELECT array_agg(geom) AS g, array_agg(hub) AS h
      FROM (SELECT geom, balanced_spectral_cluster(geom, min_size => 30, max_size => 40) OVER () AS hub
            FROM edupredict_data.schools) c) a,
     hub_summary(a.g, a.h) s;
SELECT run, count(*) AS hubs, sum(size) AS points, bool_and(max_km >= mean_km) AS max_ge_mean,
       CASE run WHEN 'k = 6' THEN avg(mean_km) < 6.715 ELSE avg(mean_km) < 1.625 END AS compact_as_documented,
       CASE run WHEN 'k = 6' THEN max(mean_km) < 7.605 ELSE max(mean_km) < 4.895 END AS worst_as_documented
FROM cl_compact GROUP BY run ORDER BY run;

-- PARTITION BY: hubs of 4 to 6 schools within each local authority (those
-- with at least 9 schools), numbered from 0 in each
CREATE TEMP TABLE cl_la AS
SELECT * FROM edupredict_data.schools
WHERE la_name IN (SELECT la_name FROM edupredict_data.schools GROUP BY la_name HAVING count(*) >= 9);
SELECT count(DISTINCT la_name) AS authorities,
       bool_and(size BETWEEN 4 AND 6) AS within,
       bool_and(hubs = pg_temp.expected_hubs(n, 4, 6)) AS hub_counts,
       bool_and(first_hub = 0 AND last_hub = hubs - 1) AS numbered
FROM (SELECT la_name, hub, count(*) AS size,
             count(*) OVER (PARTITION BY la_name) AS hubs,
             sum(count(*)) OVER (PARTITION BY la_name)::int AS n,
             min(hub) OVER (PARTITION BY la_name) AS first_hub,
             max(hub) OVER (PARTITION BY la_name) AS last_hub
      FROM (SELECT la_name,
                   balanced_spectral_cluster(geom, min_size => 4, max_size => 6)
                     OVER (PARTITION BY la_name) AS hub
            FROM cl_la) s
      GROUP BY la_name, hub) t;

-- the same partitions with k = 3
SELECT bool_and(sizes_ok) AS exact, count(*) AS authorities
FROM (SELECT la_name, min(size) = floor(n / 3) AND max(size) = ceil(n / 3) AND count(*) = 3 AS sizes_ok
      FROM (SELECT la_name, hub, count(*) AS size, sum(count(*)) OVER (PARTITION BY la_name) AS n
            FROM (SELECT la_name, balanced_spectral_cluster(geom, 3) OVER (PARTITION BY la_name) AS hub
                  FROM cl_la) s
            GROUP BY la_name, hub) t
      GROUP BY la_name, n) u;

-- partitions that cannot be split: hubs of 30 to 40 schools in every one of
-- the 54 local authorities, where 24 have too few schools or a count no
-- hub sizes fit.  The default (on_infeasible => 'error') stops at the first
-- such partition and says how many points it has and what sizes would fit.
SELECT la_name, balanced_spectral_cluster(geom, min_size => 30, max_size => 40)
                  OVER (PARTITION BY la_name COLLATE "C") AS hub
FROM edupredict_data.schools;
CREATE TEMP TABLE cl_la_n AS
SELECT la_name, count(*)::int AS n, pg_temp.expected_hubs(count(*)::int, 30, 40) AS expected
FROM edupredict_data.schools GROUP BY la_name;
SELECT count(*) AS authorities, count(*) FILTER (WHERE expected IS NULL) AS cannot_split FROM cl_la_n;
-- 'null': those partitions get NULL hubs, the others are split as usual
SELECT count(*) AS authorities,
       count(*) FILTER (WHERE hubs = 0) AS without_hubs,
       bool_and((hubs = 0) = (expected IS NULL)) AS null_exactly_where_infeasible,
       bool_and(hubs = 0 OR (hubs = expected AND clustered = n AND smallest >= 30 AND largest <= 40)) AS others_split
FROM (SELECT la_name, n, expected, count(DISTINCT hub) AS hubs, count(hub) AS clustered,
             min(size) AS smallest, max(size) AS largest
      FROM (SELECT la_name, hub, count(*) OVER (PARTITION BY la_name, hub) AS size
            FROM (SELECT la_name, balanced_spectral_cluster(geom, min_size => 30, max_size => 40,
                                                            on_infeasible => 'null')
                                    OVER (PARTITION BY la_name COLLATE "C") AS hub
                  FROM edupredict_data.schools) s) t
      JOIN cl_la_n USING (la_name)
      GROUP BY la_name, n, expected) u;
-- 'nearest': every school gets a hub; where no size fits, the nearest
-- feasible sizes (pg_temp.nearest_split), with one NOTICE per partition
CREATE TEMP TABLE cl_nearest AS
SELECT la_name, hub
FROM (SELECT la_name, balanced_spectral_cluster(geom, min_size => 30, max_size => 40,
                                                on_infeasible => 'nearest')
                        OVER (PARTITION BY la_name COLLATE "C") AS hub
      FROM edupredict_data.schools) s;
SELECT count(*) AS authorities, sum(clustered) AS schools_with_hubs,
       bool_and(CASE WHEN expected IS NOT NULL THEN hubs = expected AND smallest >= 30 AND largest <= 40
                     ELSE hubs = (ns).k AND smallest >= (ns).lo_eff AND largest <= (ns).hi_eff END) AS sizes_as_expected,
       sum(hubs) FILTER (WHERE expected IS NULL) AS hubs_in_relaxed,
       count(*) FILTER (WHERE expected IS NULL AND (ns).hi_eff > 40) AS relaxed_up,
       count(*) FILTER (WHERE expected IS NULL AND (ns).lo_eff < 30) AS relaxed_down
FROM (SELECT la_name, n, expected, pg_temp.nearest_split(n, 30, 40) AS ns,
             count(DISTINCT hub) AS hubs, count(hub) AS clustered, min(size) AS smallest, max(size) AS largest
      FROM (SELECT la_name, hub, count(*) OVER (PARTITION BY la_name, hub) AS size FROM cl_nearest) t
      JOIN cl_la_n USING (la_name)
      GROUP BY la_name, n, expected) u;

-- NULL and empty geometries get NULL and are not counted; other geometry
-- types are used by their centroid
CREATE TEMP TABLE cl_mixed (id int, g geometry);
INSERT INTO cl_mixed VALUES
  (1, 'SRID=4326;POINT(-0.10 51.50)'), (2, 'SRID=4326;POINT(-0.11 51.51)'),
  (3, NULL), (4, 'SRID=4326;POINT EMPTY'),
  (5, 'SRID=4326;POLYGON((0.20 51.40, 0.22 51.40, 0.22 51.42, 0.20 51.42, 0.20 51.40))'),
  (6, 'SRID=4326;LINESTRING(0.21 51.39, 0.23 51.41)'),
  (7, 'SRID=4326;GEOMETRYCOLLECTION EMPTY');
SELECT id, balanced_spectral_cluster(g, 2) OVER () AS hub FROM cl_mixed ORDER BY id;
-- k counts non-empty points only: 4 points here
SELECT id, balanced_spectral_cluster(g, 4) OVER () IS NOT NULL AS clustered FROM cl_mixed ORDER BY id;
-- a partition with no usable point: range form returns NULL everywhere
SELECT id, balanced_spectral_cluster(g, min_size => 1, max_size => 2) OVER ()
FROM cl_mixed WHERE id IN (3, 4, 7) ORDER BY id;

-- duplicates: 40 copies of one point and 40 of another, 8 hubs of 10
SELECT count(*) AS hubs, min(size), max(size)
FROM (SELECT hub, count(*) AS size
      FROM (SELECT balanced_spectral_cluster(g, 8) OVER () AS hub
            FROM (SELECT CASE WHEN i % 2 = 0 THEN 'SRID=4326;POINT(-0.1 51.5)'::geometry
                              ELSE 'SRID=4326;POINT(-0.2 51.6)'::geometry END AS g
                  FROM generate_series(1, 80) i) d) s
      GROUP BY hub) t;
-- many hubs over two duplicated points with a wide neighbourhood: the
-- bisection meets complete subgraphs whose spectra are one tight cluster
-- (MRRR dsyevr wrote outside its workspace here and crashed the backend)
SELECT count(*) AS hubs, min(size), max(size)
FROM (SELECT hub, count(*) AS size
      FROM (SELECT balanced_spectral_cluster(ST_MakePoint(i % 2, 0), k => 77, n_neighbors => 85,
                                             seed => 45) OVER () AS hub
            FROM generate_series(1, 118) i) d
      GROUP BY hub) t;
SELECT count(*) AS hubs, min(size), max(size)
FROM (SELECT hub, count(*) AS size
      FROM (SELECT balanced_spectral_cluster(ST_MakePoint(0, 0), k => 20, n_neighbors => 200) OVER () AS hub
            FROM generate_series(1, 450) i) d
      GROUP BY hub) t;
-- two well separated groups of duplicates split cleanly into 2 hubs
SELECT x, count(DISTINCT hub) AS hubs
FROM (SELECT ST_X(g) AS x, balanced_spectral_cluster(g, 2) OVER () AS hub
      FROM (SELECT ST_SetSRID(ST_MakePoint(CASE WHEN i <= 25 THEN 0 ELSE 1000 END, 0), 0) AS g
            FROM generate_series(1, 50) i) d) s
GROUP BY x ORDER BY x;

-- SRID 0 is planar; geographic and projected SRIDs both work
SELECT count(DISTINCT hub) AS hubs
FROM (SELECT balanced_spectral_cluster(ST_MakePoint(i % 10, i / 10), 5) OVER () AS hub
      FROM generate_series(0, 99) i) s;
-- great-circle vs planar on the same numbers: corners at longitude 0 and 40,
-- latitude 78 and 88.  In the plane the longitude gap (40) dominates; on the
-- sphere 40 degrees of longitude near the pole is short (about 150 km at 88N)
-- while 10 degrees of latitude is 1,112 km, so hubs follow latitude.
SELECT srid, bool_and(same_lat_together) AS by_latitude, bool_and(same_lon_together) AS by_longitude
FROM (SELECT srid,
             count(DISTINCT hub) FILTER (WHERE lat = 88) = 1 AND count(DISTINCT hub) FILTER (WHERE lat = 78) = 1
               AS same_lat_together,
             count(DISTINCT hub) FILTER (WHERE lon = 0) = 1 AND count(DISTINCT hub) FILTER (WHERE lon = 40) = 1
               AS same_lon_together
      FROM (SELECT srid, round(lon) AS lon, round(lat) AS lat,
                   balanced_spectral_cluster(ST_SetSRID(ST_MakePoint(lon, lat), srid), 2)
                     OVER (PARTITION BY srid) AS hub
            FROM (VALUES (0), (4326)) s(srid),
                 (SELECT c.lon + j * 0.01 AS lon, c.lat + j * 0.01 AS lat
                  FROM (VALUES (0, 78), (0, 88), (40, 78), (40, 88)) c(lon, lat),
                       generate_series(0, 2) j) p) t
      GROUP BY srid) u
GROUP BY srid ORDER BY srid;

-- determinism, over the default seed and two others: running again with the
-- rows in another order gives the same hubs (the window's ORDER BY and, in
-- the default-seed runs, a one-row frame are ignored).  Identical points (229 schools
-- share their coordinates with another school) may trade hubs, so what must
-- be identical is the multiset of (point, hub) pairs; a school whose
-- coordinates are unique keeps its hub.
CREATE TEMP TABLE cl_runs AS
SELECT 'k = 6' AS form, 'default' AS seed, 'table order' AS run, school_id, longitude, latitude,
       balanced_spectral_cluster(geom, 6) OVER () AS hub
FROM edupredict_data.schools
UNION ALL
SELECT 'k = 6', 'default', 'by name', school_id, longitude, latitude,
       balanced_spectral_cluster(geom, 6)
         OVER (ORDER BY name DESC, school_id ROWS BETWEEN CURRENT ROW AND CURRENT ROW)
FROM edupredict_data.schools
UNION ALL
SELECT 'k = 6', v.s::text, 'table order', school_id, longitude, latitude,
       balanced_spectral_cluster(geom, 6, seed => v.s) OVER (PARTITION BY v.s)
FROM edupredict_data.schools, (VALUES (1), (7)) v(s)
UNION ALL
SELECT 'k = 6', v.s::text, 'by name', school_id, longitude, latitude,
       balanced_spectral_cluster(geom, 6, seed => v.s) OVER (PARTITION BY v.s ORDER BY name DESC, school_id)
FROM edupredict_data.schools, (VALUES (1), (7)) v(s)
UNION ALL
SELECT '30..40', 'default', 'table order', school_id, longitude, latitude,
       balanced_spectral_cluster(geom, min_size => 30, max_size => 40) OVER ()
FROM edupredict_data.schools
UNION ALL
SELECT '30..40', 'default', 'by name', school_id, longitude, latitude,
       balanced_spectral_cluster(geom, min_size => 30, max_size => 40)
         OVER (ORDER BY name DESC, school_id ROWS BETWEEN CURRENT ROW AND CURRENT ROW)
FROM edupredict_data.schools
UNION ALL
SELECT '30..40', v.s::text, 'table order', school_id, longitude, latitude,
       balanced_spectral_cluster(geom, min_size => 30, max_size => 40, seed => v.s) OVER (PARTITION BY v.s)
FROM edupredict_data.schools, (VALUES (1), (7)) v(s)
UNION ALL
SELECT '30..40', v.s::text, 'by name', school_id, longitude, latitude,
       balanced_spectral_cluster(geom, min_size => 30, max_size => 40, seed => v.s)
         OVER (PARTITION BY v.s ORDER BY name DESC, school_id)
FROM edupredict_data.schools, (VALUES (1), (7)) v(s);
ANALYZE cl_runs;
CREATE TEMP TABLE cl_unique_points AS
SELECT school_id FROM (SELECT school_id, count(*) OVER (PARTITION BY longitude, latitude) AS c
                       FROM edupredict_data.schools) s WHERE c = 1;
-- (both runs hold every school once, so one EXCEPT ALL direction suffices)
SELECT f.form, f.seed, coalesce(d.n, 0) AS pairs_differing, coalesce(m.n, 0) AS unique_points_moved
FROM (SELECT DISTINCT form, seed FROM cl_runs) f
LEFT JOIN (SELECT form, seed, count(*) AS n
           FROM (SELECT form, seed, longitude, latitude, hub FROM cl_runs WHERE run = 'table order'
                 EXCEPT ALL
                 SELECT form, seed, longitude, latitude, hub FROM cl_runs WHERE run = 'by name') x
           GROUP BY form, seed) d USING (form, seed)
LEFT JOIN (SELECT a.form, a.seed, count(*) AS n
           FROM cl_runs a
           JOIN cl_runs b ON b.form = a.form AND b.seed = a.seed AND b.school_id = a.school_id
           JOIN cl_unique_points u ON u.school_id = a.school_id
           WHERE a.run = 'table order' AND b.run = 'by name' AND a.hub <> b.hub
           GROUP BY a.form, a.seed) m USING (form, seed)
ORDER BY f.form, f.seed;
-- the seed is used: each pair of seeds gives different hubs (the k-means++
-- starts and the Lanczos start vectors derive from it); compared as
-- multisets of (point, hub) pairs, like everything that may differ by order
SELECT a.form, a.seed AS seed_a, b.seed AS seed_b,
       EXISTS (SELECT longitude, latitude, hub FROM cl_runs x
               WHERE x.form = a.form AND x.seed = a.seed AND x.run = 'table order'
               EXCEPT ALL
               SELECT longitude, latitude, hub FROM cl_runs y
               WHERE y.form = a.form AND y.seed = b.seed AND y.run = 'table order') AS differ
FROM (SELECT DISTINCT form, seed FROM cl_runs) a JOIN (SELECT DISTINCT form, seed FROM cl_runs) b
  ON b.form = a.form AND a.seed < b.seed
ORDER BY 1, 2, 3;

-- n_neighbors is used: 10 is the default, 3 and 30 give other graphs and
-- other hubs (sizes 30..40 start from the graph's Fiedler vectors)
CREATE TEMP TABLE cl_nn AS
SELECT v.nn, longitude, latitude,
       balanced_spectral_cluster(geom, min_size => 30, max_size => 40, n_neighbors => v.nn)
         OVER (PARTITION BY v.nn) AS hub
FROM edupredict_data.schools, (VALUES (3), (10), (30)) v(nn);
SELECT v.nn, EXISTS (SELECT longitude, latitude, hub FROM cl_nn r WHERE r.nn = v.nn
                     EXCEPT ALL
                     SELECT longitude, latitude, hub FROM cl_runs d
                     WHERE d.form = '30..40' AND d.seed = 'default' AND d.run = 'table order') AS differs_from_default
FROM (VALUES (3), (10), (30)) v(nn) ORDER BY v.nn;

-- hub_summary on a small known case (planar, metres)
SELECT hub, size, ST_AsText(centroid) AS centroid, round(mean_km::numeric, 6) AS mean_km,
       round(max_km::numeric, 6) AS max_km
FROM hub_summary(ARRAY['POINT(0 0)', 'POINT(2000 0)', 'POINT(10000 0)', 'POINT(10000 4000)',
                       NULL, 'POINT EMPTY']::geometry[],
                 ARRAY[0, 0, 1, 1, 1, NULL]);
-- geographic: one degree of latitude is about 111.2 km
SELECT hub, size, ST_SRID(centroid), round(mean_km::numeric, 3) AS mean_km
FROM hub_summary(ARRAY['SRID=4326;POINT(0 0)', 'SRID=4326;POINT(0 1)']::geometry[], ARRAY[-7, -7]);

-- errors
SELECT balanced_spectral_cluster(geom, 0) OVER () FROM edupredict_data.schools LIMIT 1;
SELECT balanced_spectral_cluster(g, 5) OVER () FROM cl_mixed;
SELECT balanced_spectral_cluster(g, 1) OVER () FROM cl_mixed WHERE id IN (3, 4);
SELECT id, balanced_spectral_cluster(g, 1, on_infeasible => 'nearest') OVER () FROM cl_mixed WHERE id IN (3, 4) ORDER BY id;
SELECT balanced_spectral_cluster(geom, NULL::int) OVER () FROM edupredict_data.schools LIMIT 1;
SELECT balanced_spectral_cluster(geom, min_size => 40, max_size => 30) OVER ()
FROM edupredict_data.schools LIMIT 1;
SELECT balanced_spectral_cluster(geom, min_size => 0, max_size => 30) OVER ()
FROM edupredict_data.schools LIMIT 1;
SELECT balanced_spectral_cluster(geom, min_size => NULL, max_size => 30) OVER ()
FROM edupredict_data.schools LIMIT 1;
-- 100 points cannot make hubs of 30 to 32: 3 hubs are 33 or 34, 4 hubs 25
SELECT balanced_spectral_cluster(geom, min_size => 30, max_size => 32) OVER ()
FROM (SELECT geom FROM edupredict_data.schools ORDER BY school_id LIMIT 100) s;
-- sizes near INT_MAX: no overflow in the hub-count hint (was a division by zero)
SELECT balanced_spectral_cluster(geom, min_size => 2147483647, max_size => 2147483647) OVER ()
FROM (SELECT geom FROM edupredict_data.schools ORDER BY school_id LIMIT 3) s;
SELECT balanced_spectral_cluster(geom, min_size => 1073741824, max_size => 2147483647) OVER ()
FROM (SELECT geom FROM edupredict_data.schools ORDER BY school_id LIMIT 3) s;
SELECT balanced_spectral_cluster(geom, 6, n_neighbors => 0) OVER () FROM edupredict_data.schools LIMIT 1;
SELECT balanced_spectral_cluster(geom, 6, n_neighbors => -1) OVER () FROM edupredict_data.schools LIMIT 1;
SELECT balanced_spectral_cluster(geom, 6, n_neighbors => 1000) OVER () FROM edupredict_data.schools LIMIT 1;
SELECT balanced_spectral_cluster(geom, 6, seed => NULL) OVER () FROM edupredict_data.schools LIMIT 1;
SELECT balanced_spectral_cluster(geom, 6, on_infeasible => NULL) OVER () FROM edupredict_data.schools LIMIT 1;
SELECT balanced_spectral_cluster(geom, 6, on_infeasible => 'Nearest') OVER () FROM edupredict_data.schools LIMIT 1;
-- on_infeasible covers partitions, not arguments: k < 1 and min > max stay errors
SELECT balanced_spectral_cluster(geom, 0, on_infeasible => 'nearest') OVER () FROM edupredict_data.schools LIMIT 1;
SELECT balanced_spectral_cluster(geom, min_size => 40, max_size => 30, on_infeasible => 'null') OVER ()
FROM edupredict_data.schools LIMIT 1;
-- k above the number of points: an error by default, NULL or one hub per point
SELECT id, balanced_spectral_cluster(g, 5, on_infeasible => 'null') OVER () AS null_hub,
       balanced_spectral_cluster(g, 5, on_infeasible => 'nearest') OVER () AS nearest_hub
FROM cl_mixed ORDER BY id;
-- mixed SRIDs in one partition
SELECT balanced_spectral_cluster(g, 2) OVER ()
FROM (VALUES ('SRID=4326;POINT(0 0)'::geometry), ('SRID=27700;POINT(1 1)'), ('SRID=4326;POINT(1 1)')) v(g);
-- an SRID PostGIS does not know
SELECT balanced_spectral_cluster(g, 2) OVER ()
FROM (VALUES ('SRID=990001;POINT(0 0)'::geometry), ('SRID=990001;POINT(1 1)')) v(g);
-- latitude out of range for a geographic SRID
SELECT balanced_spectral_cluster(g, 2) OVER ()
FROM (VALUES ('SRID=4326;POINT(0 0)'::geometry), ('SRID=4326;POINT(0 95)')) v(g);
-- planar coordinates whose squared distances overflow are refused (they left
-- hub numbers unset); 1e14 is still clustered with exact sizes
SELECT balanced_spectral_cluster(g, 2) OVER ()
FROM (VALUES ('POINT(1e305 0)'::geometry), ('POINT(-1e305 1)'), ('POINT(0 1e305)')) v(g);
SELECT balanced_spectral_cluster(g, 2) OVER ()
FROM (VALUES ('POINT(0 0)'::geometry), ('POINT(0 -1.5e15)')) v(g);
SELECT hub, count(*)
FROM (SELECT balanced_spectral_cluster(ST_MakePoint(((i * 7919) % 1000) * 1e11 * (1 - 2 * (i % 2)),
                                                    ((i * 104729) % 997) * 1e11), 5) OVER () AS hub
      FROM generate_series(1, 500) i) s
GROUP BY hub ORDER BY hub;
-- 0.1.0 calls mean what they meant: positional five integers are the range form
SELECT count(DISTINCT hub) AS hubs, min(size), max(size)
FROM (SELECT hub, count(*) OVER (PARTITION BY hub) AS size
      FROM (SELECT balanced_spectral_cluster(geom, 10, 12, NULL, 42) OVER () AS hub
            FROM (SELECT geom FROM edupredict_data.schools ORDER BY school_id LIMIT 100) p) s) t;
-- the positional three-integer call is ambiguous between the two forms
SELECT balanced_spectral_cluster(geom, 30, 40) OVER () FROM edupredict_data.schools LIMIT 1;
-- partition size cap
SET edupredict.cluster_max_points = 100;
SELECT balanced_spectral_cluster(geom, 6) OVER () FROM edupredict_data.schools LIMIT 1;
RESET edupredict.cluster_max_points;
-- memory cap, estimated before any work from the rows and n_neighbors (the
-- graph takes about 56 bytes per point and neighbour): superuser-only, 1 GB
-- by default; under 32 MB London is refused with 200 neighbours (about 39
-- MB) and clustered as before with the default 10 (about 9 MB)
SELECT name, setting, unit, context FROM pg_settings
WHERE name IN ('edupredict.cluster_max_memory', 'edupredict.cluster_max_points') ORDER BY name;
CREATE TEMP TABLE cl_uncapped AS
SELECT school_id, balanced_spectral_cluster(geom, 6) OVER () AS hub FROM edupredict_data.schools;
SET edupredict.cluster_max_memory = '32MB';
SELECT balanced_spectral_cluster(geom, 6, n_neighbors => 200) OVER () FROM edupredict_data.schools LIMIT 1;
\set VERBOSITY sqlstate
SELECT balanced_spectral_cluster(geom, min_size => 30, max_size => 40, n_neighbors => 200) OVER ()
FROM edupredict_data.schools LIMIT 1;
\set VERBOSITY default
SELECT count(*) AS rows, count(*) FILTER (WHERE c.hub = u.hub) AS same_hub
FROM (SELECT school_id, balanced_spectral_cluster(geom, 6) OVER () AS hub FROM edupredict_data.schools) c
JOIN cl_uncapped u USING (school_id);
SELECT count(DISTINCT hub) AS hubs
FROM (SELECT balanced_spectral_cluster(geom, 6, n_neighbors => 100) OVER () AS hub FROM edupredict_data.schools) s;
RESET edupredict.cluster_max_memory;
-- hub_summary argument errors
SELECT * FROM hub_summary(ARRAY['POINT(0 0)']::geometry[], ARRAY[0, 1]);
SELECT * FROM hub_summary(ARRAY['SRID=4326;POINT(0 0)', 'POINT(1 1)']::geometry[], ARRAY[0, 0]);
SELECT * FROM hub_summary(ARRAY['POINT(1.7e308 0)', 'POINT(1.7e308 0)']::geometry[], ARRAY[0, 0]);


-- cancellation: clusterings that would take over 9 s (50,000 points; a
-- k-way run and a bisection) stop within 1 s of the statement timeout:
-- every loop of the core checks for interrupts
SET statement_timeout = '1500ms';
SELECT clock_timestamp() AS cl_t0 \gset
SELECT max(hub)
FROM (SELECT balanced_spectral_cluster(ST_MakePoint((i * 7919 % 100003) / 1000.0,
                                                    (i * 104729 % 100019) / 1000.0), 12) OVER () AS hub
      FROM generate_series(1, 50000::bigint) i) s;
RESET statement_timeout;
SELECT clock_timestamp() - :'cl_t0'::timestamptz < interval '2500 ms' AS stopped_within_1s;
SET statement_timeout = '1500ms';
SELECT clock_timestamp() AS cl_t0 \gset
SELECT max(hub)
FROM (SELECT balanced_spectral_cluster(ST_MakePoint((i * 7919 % 100003) / 1000.0,
                                                    (i * 104729 % 100019) / 1000.0),
                                       min_size => 30, max_size => 40) OVER () AS hub
      FROM generate_series(1, 50000::bigint) i) s;
RESET statement_timeout;
SELECT clock_timestamp() - :'cl_t0'::timestamptz < interval '2500 ms' AS stopped_within_1s;
