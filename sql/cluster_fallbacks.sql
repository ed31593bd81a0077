-- balanced_spectral_cluster on degenerate inputs that take the core's rarely
-- used branches (found by a coverage run), each checked against the
-- documented guarantees (docs/clustering.md): every point gets a hub, hubs
-- are numbered 0..k-1, every hub has floor(N/k) or ceil(N/k) members, and
-- the same seed gives the same multiset of (point, hub) pairs in any row
-- order.  The points of each case fall into well separated groups, so each
-- hub must also be one whole group.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;

CREATE TEMP TABLE fb_points (name text, k int, nn int, id int, grp int, g geometry);
-- Lanczos breakdown: 4 groups of 60 identical points (240 points: past the
-- dense solver's 200), each point's 59 neighbours its own copies.  The graph
-- is 4 disjoint complete subgraphs, whose normalised affinity has only two
-- distinct eigenvalues, so the Krylov space from one start vector is
-- exhausted after 2 steps, before the 4 wanted eigenvectors: the process
-- goes on from a fresh random direction.
INSERT INTO fb_points
SELECT 'cliques', 4, 59, i, i % 4, ST_MakePoint((i % 4) * 100, 0) FROM generate_series(1, 240) i;
-- antipodes: 5 copies of (36 E, 20 S) and 5 of the point opposite it on the
-- globe, neighbours across the globe: the chord between their unit vectors
-- rounds to just over 2 (the sphere's diameter), where the arcsine of half
-- the chord is undefined; the distance is clamped to half the circumference
INSERT INTO fb_points
SELECT 'antipodes', 2, 9, i, i % 2,
       ST_SetSRID(CASE WHEN i % 2 = 0 THEN ST_MakePoint(36, -20) ELSE ST_MakePoint(-144, 20) END, 4326)
FROM generate_series(1, 10) i;

-- each case twice: rows in id order and in reverse
CREATE TEMP TABLE fb_runs AS
SELECT p.name, 'forward' AS run, p.id, p.grp, ST_X(p.g) AS x, ST_Y(p.g) AS y,
       balanced_spectral_cluster(p.g, p.k, n_neighbors => p.nn) OVER (PARTITION BY p.name ORDER BY p.id) AS hub
FROM fb_points p
UNION ALL
SELECT p.name, 'reverse', p.id, p.grp, ST_X(p.g), ST_Y(p.g),
       balanced_spectral_cluster(p.g, p.k, n_neighbors => p.nn) OVER (PARTITION BY p.name ORDER BY p.id DESC)
FROM fb_points p;

-- per case: points without a hub, then for each run hubs numbered 0..k-1,
-- sizes floor(N/k) or ceil(N/k), one group per hub; and the same (point,
-- hub) pairs in both runs
CREATE TEMP VIEW fb_hubs AS
SELECT name, run, hub, count(*) AS size, count(DISTINCT grp) AS groups
FROM fb_runs WHERE hub IS NOT NULL GROUP BY name, run, hub;
SELECT c.name, c.k, c.n,
       (SELECT count(*) FROM fb_runs r WHERE r.name = c.name AND r.hub IS NULL) AS unlabelled,
       (SELECT bool_and(hubs = c.k AND first_hub = 0 AND last_hub = c.k - 1)
        FROM (SELECT count(*) AS hubs, min(hub) AS first_hub, max(hub) AS last_hub
              FROM fb_hubs h WHERE h.name = c.name GROUP BY run) r) AS numbered,
       (SELECT bool_and(size IN (c.n / c.k, (c.n + c.k - 1) / c.k)) FROM fb_hubs h WHERE h.name = c.name)
         AS sizes_exact,
       (SELECT bool_and(groups = 1) FROM fb_hubs h WHERE h.name = c.name) AS one_group_per_hub,
       NOT EXISTS (SELECT x, y, hub FROM fb_runs r WHERE r.name = c.name AND r.run = 'forward'
                   EXCEPT ALL
                   SELECT x, y, hub FROM fb_runs r WHERE r.name = c.name AND r.run = 'reverse') AS deterministic
FROM (SELECT name, min(k) AS k, count(*)::int AS n FROM fb_points GROUP BY name) c
ORDER BY c.name;

-- hub_summary, haversine from a point to its hub's centroid when that lies
-- opposite it on the globe: the centroid of P and three copies of Q is within
-- 1e-6 degrees of P's antipode, where rounding puts the haversine term at 1
-- plus 2 ulp, whose square root exceeds 1 (the arcsine of it is NaN).  It is
-- clamped: P is half the circumference from the centroid.
SELECT hub, size, mean_km < max_km AS mean_below_max,
       round(max_km::numeric, 3) = round((pi() * 6371.0088)::numeric, 3) AS max_is_half_circumference
FROM hub_summary(ARRAY['SRID=4326;POINT(-162.07060410588412 51.3801599912044)',
                       'SRID=4326;POINT(77.92939583154133 -85.6335997547129)',
                       'SRID=4326;POINT(77.92939583154133 -85.6335997547129)',
                       'SRID=4326;POINT(77.92939583154133 -85.6335997547129)']::geometry[],
                 ARRAY[0, 0, 0, 0]);

-- the memory estimate caps the Lanczos basis at 256 MB for large partitions:
-- a partition of a million rows (the default cluster_max_points) fits the
-- default cluster_max_memory, as docs/clustering.md says; its rows are NULL
-- here, so nothing is clustered and every row gets NULL
SELECT count(*) AS rows, count(hub) AS with_hub
FROM (SELECT balanced_spectral_cluster(NULL::geometry, min_size => 1, max_size => 2) OVER () AS hub
      FROM generate_series(1, 1000000) i) s;

-- hub_summary of nothing but NULL and empty geometries: no hubs, no rows
SELECT count(*) AS hubs
FROM hub_summary(ARRAY[NULL, 'POINT EMPTY', 'SRID=4326;POINT EMPTY']::geometry[], ARRAY[0, 1, 2]);

-- an installation still at 0.1.0 running this library: the 0.1.0 signatures
-- (no on_infeasible) call the library's 0.1.0 entry points, with the same
-- guarantees (100 points: k = 3 gives 33 or 34, sizes 30..40 three hubs)
\set regress_db :DBNAME
SET client_min_messages = warning;
DROP DATABASE IF EXISTS regression_cluster_0_1_0;
CREATE DATABASE regression_cluster_0_1_0;
\c regression_cluster_0_1_0
SET client_min_messages = warning;
CREATE EXTENSION edupredict VERSION '0.1.0' CASCADE;
RESET client_min_messages;
SELECT p.oid::regprocedure AS function, p.prosrc AS entry_point
FROM pg_proc p WHERE p.proname = 'balanced_spectral_cluster' ORDER BY 2;
SELECT form, count(*) AS hubs, min(hub) AS first_hub, max(hub) AS last_hub,
       min(size) AS smallest, max(size) AS largest, sum(size) AS points
FROM (SELECT 'k = 3' AS form, hub, count(*) AS size
      FROM (SELECT edupredict.balanced_spectral_cluster(ST_MakePoint(i % 10, i / 10), k => 3) OVER () AS hub
            FROM generate_series(0, 99) i) s GROUP BY hub
      UNION ALL
      SELECT 'sizes 30..40', hub, count(*)
      FROM (SELECT edupredict.balanced_spectral_cluster(ST_MakePoint(i % 10, i / 10), min_size => 30, max_size => 40)
                     OVER () AS hub
            FROM generate_series(0, 99) i) s GROUP BY hub) t
GROUP BY form ORDER BY form;
\c :regress_db
DROP DATABASE regression_cluster_0_1_0;
