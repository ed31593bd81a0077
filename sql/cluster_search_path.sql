-- balanced_spectral_cluster and hub_summary under a hostile search_path
-- (issue 9 §3): a role that can create objects in public shadows every
-- function and operator name the clustering C code uses with ones that
-- raise, puts public first (even before pg_catalog), and the clustering
-- must still work without calling any of them.  PostGIS lives in its own
-- schema here, so nothing may assume it is in public: a database of its own.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
\set regress_db :DBNAME
SET client_min_messages = warning;
DROP DATABASE IF EXISTS cluster_search_path;
RESET client_min_messages;
CREATE DATABASE cluster_search_path;
\c cluster_search_path
SET client_min_messages = warning;
CREATE SCHEMA gis;
CREATE EXTENSION postgis SCHEMA gis;
CREATE EXTENSION edupredict;
RESET client_min_messages;

-- the hostile objects: every PostGIS function the C code calls, by name and
-- argument types, and the operators its SQL text uses (LIKE and ~ on the
-- varchar columns of spatial_ref_sys, = on its integer srid)
CREATE FUNCTION public.cl_hijacked() RETURNS void LANGUAGE plpgsql AS
$$BEGIN RAISE EXCEPTION 'hijacked: a function or operator in public was called'; END$$;
CREATE FUNCTION public.st_srid(gis.geometry) RETURNS integer LANGUAGE sql AS 'SELECT public.cl_hijacked(); SELECT 0';
CREATE FUNCTION public.st_isempty(gis.geometry) RETURNS boolean LANGUAGE sql AS 'SELECT public.cl_hijacked(); SELECT false';
CREATE FUNCTION public.st_centroid(gis.geometry) RETURNS gis.geometry LANGUAGE sql AS 'SELECT public.cl_hijacked(); SELECT $1';
CREATE FUNCTION public.st_x(gis.geometry) RETURNS float8 LANGUAGE sql AS 'SELECT public.cl_hijacked(); SELECT 0::float8';
CREATE FUNCTION public.st_y(gis.geometry) RETURNS float8 LANGUAGE sql AS 'SELECT public.cl_hijacked(); SELECT 0::float8';
CREATE FUNCTION public.st_makepoint(float8, float8) RETURNS gis.geometry LANGUAGE sql AS 'SELECT public.cl_hijacked(); SELECT NULL::gis.geometry';
CREATE FUNCTION public.st_setsrid(gis.geometry, integer) RETURNS gis.geometry LANGUAGE sql AS 'SELECT public.cl_hijacked(); SELECT $1';
CREATE FUNCTION public.cl_hijacked_op(varchar, text) RETURNS boolean LANGUAGE sql AS 'SELECT public.cl_hijacked(); SELECT true';
CREATE FUNCTION public.cl_hijacked_op(integer, integer) RETURNS boolean LANGUAGE sql AS 'SELECT public.cl_hijacked(); SELECT true';
CREATE OPERATOR public.~~ (LEFTARG = varchar, RIGHTARG = text, FUNCTION = public.cl_hijacked_op);
CREATE OPERATOR public.~ (LEFTARG = varchar, RIGHTARG = text, FUNCTION = public.cl_hijacked_op);
CREATE OPERATOR public.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = public.cl_hijacked_op);
-- a domain whose schema is public, with its own shadowing functions
CREATE DOMAIN public.geo AS gis.geometry;
CREATE FUNCTION public.st_srid(public.geo) RETURNS integer LANGUAGE sql AS 'SELECT public.cl_hijacked(); SELECT 0';
CREATE FUNCTION public.st_centroid(public.geo) RETURNS gis.geometry LANGUAGE sql AS 'SELECT public.cl_hijacked(); SELECT $1';

SET search_path = public, pg_catalog, gis, edupredict;

-- positive controls: unqualified SQL does pick the hostile objects
SELECT 'a'::varchar LIKE 'a';
SELECT 'a'::varchar ~ 'a';
SELECT 1 = 1;
SELECT ST_X('POINT(1 2)'::gis.geometry);

-- a small London-like set: a 10 x 10 grid in three SRIDs (geographic, British
-- National Grid, planar 0); points are built with qualified PostGIS calls
CREATE TABLE pts AS
SELECT i, gis.ST_SetSRID(gis.ST_MakePoint(-0.2 + (i % 10) * 0.01, 51.45 + (i / 10) * 0.01), 4326) AS g4326,
       gis.ST_SetSRID(gis.ST_MakePoint(520000 + (i % 10) * 700, 175000 + (i / 10) * 1100), 27700) AS g27700,
       gis.ST_MakePoint(i % 10, i / 10) AS g0
FROM generate_series(0, 99) i;

-- k form, range form, PARTITION BY, a domain argument: hub sizes
SELECT srid, count(*) AS hubs, min(size), max(size)
FROM (SELECT 4326 AS srid, hub, count(*) AS size
      FROM (SELECT edupredict.balanced_spectral_cluster(g4326, 4) OVER () AS hub FROM pts) s GROUP BY hub
      UNION ALL
      SELECT 27700, hub, count(*)
      FROM (SELECT edupredict.balanced_spectral_cluster(g27700, min_size => 8, max_size => 12) OVER () AS hub
            FROM pts) s GROUP BY hub
      UNION ALL
      SELECT 0, hub, count(*)
      FROM (SELECT edupredict.balanced_spectral_cluster(g0, 5, seed => 3) OVER () AS hub FROM pts) s GROUP BY hub) t
GROUP BY srid ORDER BY srid;
SELECT part, count(DISTINCT hub) AS hubs, count(*) AS points
FROM (SELECT i % 2 AS part,
             edupredict.balanced_spectral_cluster(g4326, min_size => 30, max_size => 40, on_infeasible => 'nearest')
               OVER (PARTITION BY i % 2) AS hub
      FROM pts) s
GROUP BY part ORDER BY part;
SELECT count(DISTINCT hub) AS hubs
FROM (SELECT edupredict.balanced_spectral_cluster(g4326::public.geo, 2) OVER () AS hub FROM pts) s;

-- the partition checks that run before clustering (errors, NOTICE) too
SELECT edupredict.balanced_spectral_cluster(g4326, min_size => 60, max_size => 70) OVER () FROM pts;

-- hub_summary: geographic and projected, geometry[] and a domain array
SELECT h.hub, h.size, round(h.mean_km::numeric, 3) AS mean_km, gis.ST_SRID(h.centroid) AS srid
FROM (SELECT array_agg(g4326 ORDER BY i) AS g, array_agg(i / 50 ORDER BY i) AS hub FROM pts) a,
     edupredict.hub_summary(a.g, a.hub) h
ORDER BY h.hub;
SELECT h.hub, h.size, round(h.mean_km::numeric, 3) AS mean_km
FROM (SELECT array_agg(g27700::public.geo ORDER BY i) AS g, array_agg(i / 50 ORDER BY i) AS hub FROM pts) a,
     edupredict.hub_summary(a.g, a.hub) h
ORDER BY h.hub;

\c :regress_db
DROP DATABASE cluster_search_path;
