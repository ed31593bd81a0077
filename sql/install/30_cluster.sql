-- Balanced spectral clustering of points into equal-size hubs
-- (src/spectral*.c, docs/clustering.md).

CREATE FUNCTION edupredict.balanced_spectral_cluster(
    geom geometry, k integer, n_neighbors integer DEFAULT NULL, seed integer DEFAULT 42)
RETURNS integer
AS 'MODULE_PATHNAME', 'balanced_spectral_cluster_k'
LANGUAGE C STABLE WINDOW PARALLEL SAFE COST 10000;

COMMENT ON FUNCTION edupredict.balanced_spectral_cluster(geometry, integer, integer, integer) IS
'window function: 0-based hub of each point, k hubs of floor(N/k) or ceil(N/k) points each (N = non-empty points of the partition); spectral start from a k-nearest-neighbour graph, exact min-cost-flow assignment; deterministic for a seed';

CREATE FUNCTION edupredict.balanced_spectral_cluster(
    geom geometry, min_size integer, max_size integer, n_neighbors integer DEFAULT NULL,
    seed integer DEFAULT 42)
RETURNS integer
AS 'MODULE_PATHNAME', 'balanced_spectral_cluster_range'
LANGUAGE C STABLE WINDOW PARALLEL SAFE COST 10000;

COMMENT ON FUNCTION edupredict.balanced_spectral_cluster(geometry, integer, integer, integer, integer) IS
'window function: 0-based hub of each point, every hub of min_size to max_size points, as many hubs as the feasible count closest to N / ((min_size + max_size) / 2); deterministic for a seed';

CREATE FUNCTION edupredict.hub_summary(geom geometry[], hub integer[])
RETURNS TABLE (hub integer, size integer, centroid geometry, mean_km double precision,
               max_km double precision)
AS 'MODULE_PATHNAME', 'hub_summary'
LANGUAGE C STABLE STRICT PARALLEL SAFE COST 1000 ROWS 100;

COMMENT ON FUNCTION edupredict.hub_summary(geometry[], integer[]) IS
'per hub: size, centroid (mean longitude and latitude, or mean x and y) and mean and max member distance to it in km (great-circle for geographic SRIDs; planar units taken as metres otherwise); NULL or empty geometries and NULL hubs are skipped';
