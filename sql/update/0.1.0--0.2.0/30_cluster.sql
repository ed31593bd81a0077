
-- Balanced spectral clustering (src/spectral*.c, docs/clustering.md).
-- 0.2.0: on_infeasible says what a partition that cannot be split as asked
-- gets ('error', 'null' or 'nearest').  The window functions gain it as their
-- last argument, so the 0.1.0 ones are dropped and created again; every call
-- written for 0.1.0, positional or named, means what it meant.
DROP FUNCTION edupredict.balanced_spectral_cluster(geometry, integer, integer, integer);
DROP FUNCTION edupredict.balanced_spectral_cluster(geometry, integer, integer, integer, integer);

CREATE FUNCTION edupredict.balanced_spectral_cluster(
    geom geometry, k integer, n_neighbors integer DEFAULT NULL, seed integer DEFAULT 42,
    on_infeasible text DEFAULT 'error')
RETURNS integer
AS 'MODULE_PATHNAME', 'balanced_spectral_cluster_k_0_2'
LANGUAGE C STABLE WINDOW PARALLEL SAFE COST 10000;

COMMENT ON FUNCTION edupredict.balanced_spectral_cluster(geometry, integer, integer, integer, text) IS
'window function: 0-based hub of each point, k hubs of floor(N/k) or ceil(N/k) points each (N = non-empty points of the partition); spectral start from a k-nearest-neighbour graph, exact min-cost-flow assignment; deterministic for a seed; a partition with fewer than k points is an error, NULL hubs or one hub per point (on_infeasible error, null, nearest)';

CREATE FUNCTION edupredict.balanced_spectral_cluster(
    geom geometry, min_size integer, max_size integer, n_neighbors integer DEFAULT NULL,
    seed integer DEFAULT 42, on_infeasible text DEFAULT 'error')
RETURNS integer
AS 'MODULE_PATHNAME', 'balanced_spectral_cluster_range_0_2'
LANGUAGE C STABLE WINDOW PARALLEL SAFE COST 10000;

COMMENT ON FUNCTION edupredict.balanced_spectral_cluster(geometry, integer, integer, integer, integer, text) IS
'window function: 0-based hub of each point, every hub of min_size to max_size points, as many hubs as the feasible count closest to N / ((min_size + max_size) / 2); deterministic for a seed; a partition no hub count fits is an error, NULL hubs or the nearest feasible sizes with a NOTICE (on_infeasible error, null, nearest)';
