-- balanced_spectral_cluster and hub_summary: size guarantees, partitions,
-- NULL/empty input, duplicates, SRIDs, every error, determinism, cancellation.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
\i data/london_schools_wlz/load.sql
SET search_path = edupredict, public;

-- Feasible number of hubs for a size range, written out in SQL to check the
-- C code against: the k with k*min <= n <= k*max closest to n / mid, the
-- smaller on a tie.
CREATE TEMP TABLE cl_ranges AS
SELECT * FROM (VALUES (30, 40), (10, 12), (100, 150), (5, 6), (600, 700)) v(lo, hi);
CREATE FUNCTION pg_temp.expected_hubs(n int, lo int, hi int) RETURNS int LANGUAGE sql AS $$
  SELECT k FROM generate_series(1, n) k
  WHERE k * lo <= n AND n <= k * hi
  ORDER BY abs(k - n / ((lo + hi) / 2.0)), k LIMIT 1 $$;

-- exact k on London (3,889 schools): every hub has floor(N/k) or ceil(N/k)
-- members, hub numbers are 0..k-1
SELECT k, count(*) AS hubs, min(size) AS min_size, max(size) AS max_size,
       min(size) = 3889 / k AND max(size) = ceil(3889.0 / k) AS exact,
       min(hub) AS first_hub, max(hub) AS last_hub
FROM (SELECT k, hub, count(*) AS size
      FROM (VALUES (1), (2), (6), (17), (111), (500)) ks(k),
           LATERAL (SELECT balanced_spectral_cluster(geom, ks.k) OVER () AS hub
                    FROM edupredict_data.schools) s
      GROUP BY k, hub) t
GROUP BY k ORDER BY k;

-- size ranges on London: every hub within bounds, the expected hub count
SELECT r.lo, r.hi, count(*) AS hubs, pg_temp.expected_hubs(3889, r.lo, r.hi) AS expected,
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

-- compactness on London, scored by hub_summary (great-circle km): a loose
-- sanity band; bench/cluster.sh measures the figures
SELECT count(*) AS hubs, sum(size) AS points, avg(mean_km) < 7.5 AS k6_compact,
       bool_and(max_km >= mean_km) AS max_ge_mean
FROM (SELECT array_agg(geom) AS g, array_agg(hub) AS h
      FROM (SELECT geom, balanced_spectral_cluster(geom, 6) OVER () AS hub
            FROM edupredict_data.schools) s) a,
     hub_summary(a.g, a.h);

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

-- determinism: the same seed gives the same hubs; row order does not matter
SELECT count(*) FILTER (WHERE a.hub <> b.hub) AS differences
FROM (SELECT school_id, balanced_spectral_cluster(geom, min_size => 30, max_size => 40, seed => 7)
                          OVER () AS hub
      FROM edupredict_data.schools) a
JOIN (SELECT school_id, balanced_spectral_cluster(geom, min_size => 30, max_size => 40, seed => 7)
                          OVER (ORDER BY name DESC, school_id) AS hub
      FROM edupredict_data.schools) b USING (school_id);
-- another seed still keeps the bounds
SELECT min(size) >= 30 AND max(size) <= 40 AS within
FROM (SELECT hub, count(*) AS size
      FROM (SELECT balanced_spectral_cluster(geom, 30, 40, NULL, 12345) OVER () AS hub
            FROM edupredict_data.schools) s GROUP BY hub) t;
-- n_neighbors can be set
SELECT count(DISTINCT hub) AS hubs
FROM (SELECT balanced_spectral_cluster(geom, 6, n_neighbors => 25) OVER () AS hub
      FROM edupredict_data.schools) s;

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
-- the positional three-integer call is ambiguous between the two forms
SELECT balanced_spectral_cluster(geom, 30, 40) OVER () FROM edupredict_data.schools LIMIT 1;
-- partition size cap
SET edupredict.cluster_max_points = 100;
SELECT balanced_spectral_cluster(geom, 6) OVER () FROM edupredict_data.schools LIMIT 1;
RESET edupredict.cluster_max_points;
-- hub_summary argument errors
SELECT * FROM hub_summary(ARRAY['POINT(0 0)']::geometry[], ARRAY[0, 1]);
SELECT * FROM hub_summary(ARRAY['SRID=4326;POINT(0 0)', 'POINT(1 1)']::geometry[], ARRAY[0, 0]);
SELECT * FROM hub_summary(ARRAY['POINT(1.7e308 0)', 'POINT(1.7e308 0)']::geometry[], ARRAY[0, 0]);

-- cancellation: a large input stops at the statement timeout
SET statement_timeout = '500ms';
SELECT max(hub)
FROM (SELECT balanced_spectral_cluster(ST_MakePoint((i * 7919 % 100003) / 1000.0,
                                                    (i * 104729 % 100019) / 1000.0),
                                       min_size => 30, max_size => 40) OVER () AS hub
      FROM generate_series(1, 400000::bigint) i) s;
RESET statement_timeout;
