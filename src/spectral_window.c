/*-------------------------------------------------------------------------
 *
 * spectral_window.c
 *	  SQL interface of balanced spectral clustering: the window functions
 *	  balanced_spectral_cluster(geom, k, ...) and
 *	  balanced_spectral_cluster(geom, min_size, max_size, ...).
 *
 * Like PostGIS's ST_ClusterKMeans, the window functions compute the whole
 * partition once into WinGetPartitionLocalMemory and then return one value
 * per row.  A partition that cannot be split as asked (fewer points than k,
 * or no hub count whose sizes fit the range) is an error, NULL hubs, or
 * the nearest feasible sizes with a NOTICE, as on_infeasible says.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "windowapi.h"

#include "edupredict.h"
#include "spectral_pg.h"

/* 0.1.0 signatures (no on_infeasible), kept for a library newer than the SQL */
PG_FUNCTION_INFO_V1(balanced_spectral_cluster_k);
PG_FUNCTION_INFO_V1(balanced_spectral_cluster_range);
/* 0.2.0: on_infeasible as the last argument */
PG_FUNCTION_INFO_V1(balanced_spectral_cluster_k_0_2);
PG_FUNCTION_INFO_V1(balanced_spectral_cluster_range_0_2);

int			edupredict_cluster_max_points = 1000000;
int			edupredict_cluster_max_memory_mb = 1024;

void
edupredict_spectral_init(void)
{
	spectral_blas_single_thread();
	DefineCustomIntVariable("edupredict.cluster_max_points",
							"Largest number of points balanced_spectral_cluster accepts in one partition.",
							"Memory grows linearly with the number of points and with n_neighbors; edupredict.cluster_max_memory caps it. Only superusers can change it: it protects the server's memory.",
							&edupredict_cluster_max_points,
							1000000, 1, SPECTRAL_MAX_POINTS,
							PGC_SUSET, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("edupredict.cluster_max_memory",
							"Upper bound on the memory balanced_spectral_cluster may allocate for one partition.",
							"Estimated from the number of rows and n_neighbors before any work; exceeding it is an error. Only superusers can change it: it protects the server's memory.",
							&edupredict_cluster_max_memory_mb,
							1024, 1, INT_MAX / 2,
							PGC_SUSET, GUC_UNIT_MB,
							NULL, NULL, NULL);
}

typedef enum InfeasiblePolicy
{
	INFEASIBLE_ERROR,
	INFEASIBLE_NULL,
	INFEASIBLE_NEAREST
} InfeasiblePolicy;

/* The arguments, read once per partition from its first row. */
typedef struct ClusterArgs
{
	int32		k;
	int32		min_size;
	int32		max_size;
	int32		n_neighbors;	/* 0: the default */
	int32		seed;
	InfeasiblePolicy policy;
} ClusterArgs;

/* What the partition is split into. */
typedef struct HubPlan
{
	int			k;				/* 0: every row gets NULL */
	int			lo;
	int			hi;
} HubPlan;

typedef struct ClusterContext
{
	bool		done;
	int32		result[FLEXIBLE_ARRAY_MEMBER];	/* -1 for NULL */
} ClusterContext;

static int32
ArgInt(WindowObject winobj, int argno, const char *name, bool allow_null, int32 dflt)
{
	bool		isnull;
	Datum		d = WinGetFuncArgCurrent(winobj, argno, &isnull);

	if (isnull)
	{
		if (allow_null)
			return dflt;
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", name)));
	}
	return DatumGetInt32(d);
}

static InfeasiblePolicy
ArgPolicy(WindowObject winobj, int argno)
{
	bool		isnull;
	Datum		d = WinGetFuncArgCurrent(winobj, argno, &isnull);
	char	   *s;

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("on_infeasible must not be null")));
	s = text_to_cstring(DatumGetTextPP(d));
	if (strcmp(s, "error") == 0)
		return INFEASIBLE_ERROR;
	if (strcmp(s, "null") == 0)
		return INFEASIBLE_NULL;
	if (strcmp(s, "nearest") == 0)
		return INFEASIBLE_NEAREST;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("on_infeasible must be 'error', 'null' or 'nearest'")));
	return INFEASIBLE_ERROR;	/* keep the compiler quiet */
}

static void
ReadArgs(WindowObject winobj, bool by_range, bool has_policy, ClusterArgs *a)
{
	int			argbase = by_range ? 3 : 2;
	bool		nn_null;

	a->k = a->min_size = a->max_size = 0;
	if (by_range)
	{
		a->min_size = ArgInt(winobj, 1, "min_size", false, 0);
		a->max_size = ArgInt(winobj, 2, "max_size", false, 0);
	}
	else
		a->k = ArgInt(winobj, 1, "k", false, 0);
	(void) WinGetFuncArgCurrent(winobj, argbase, &nn_null);
	a->n_neighbors = ArgInt(winobj, argbase, "n_neighbors", true, 0);
	a->seed = ArgInt(winobj, argbase + 1, "seed", false, 0);
	a->policy = has_policy ? ArgPolicy(winobj, argbase + 2) : INFEASIBLE_ERROR;
	if (nn_null)
		a->n_neighbors = 0;		/* NULL: the default (an explicit -1 is an error) */
	else if (a->n_neighbors < 1 || a->n_neighbors > SPECTRAL_MAX_NEIGHBORS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n_neighbors must be between 1 and %d", SPECTRAL_MAX_NEIGHBORS),
				 errdetail("n_neighbors is %d; NULL chooses %d.", a->n_neighbors,
						   SPECTRAL_DEFAULT_NEIGHBORS)));
}

/* Sizes for k hubs over n points: floor and ceiling of n / k. */
static void
SizesForK(int n, int k, int *lo, int *hi)
{
	*lo = n / k;
	*hi = (n + k - 1) / k;
}

/* k form: k hubs of floor(N/k) or ceil(N/k); fewer points than k per policy. */
static void
PlanForK(const ClusterArgs *a, int n, HubPlan *plan)
{
	plan->k = 0;
	if (a->k < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be between 1 and the number of points"),
				 errdetail("k is %d; the partition has %d non-empty point(s).", a->k, n)));
	if (a->k <= n)
	{
		plan->k = a->k;
		SizesForK(n, a->k, &plan->lo, &plan->hi);
		return;
	}
	if (a->policy == INFEASIBLE_ERROR)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be between 1 and the number of points"),
				 n > 0 ?
				 errdetail("k is %d; the partition has %d non-empty point(s), so k can be 1 to %d.",
						   a->k, n, n) :
				 errdetail("k is %d; the partition has no non-empty points.", a->k),
				 errhint("on_infeasible => 'null' gives such partitions NULL hubs; 'nearest' makes one hub per point.")));
	if (a->policy == INFEASIBLE_NEAREST && n > 0)
	{
		ereport(NOTICE,
				(errmsg("partition of %d point(s) has fewer points than k = %d", n, a->k),
				 errdetail("Using %d hub(s) of one point each, the nearest feasible split.", n)));
		plan->k = n;
		plan->lo = plan->hi = 1;
	}
}

/*
 * Range form with no feasible hub count.  kA = floor(n/min) hubs would be
 * too large and kA + 1 = ceil(n/max) too small (nothing lies between): the
 * nearest feasible split relaxes one bound by the fewest points, the
 * larger hubs on a tie; fewer points than min_size make one hub.
 */
static void
PlanInfeasibleRange(const ClusterArgs *a, int n, HubPlan *plan)
{
	int64		ka = n / a->min_size;
	int64		kb = ka + 1;
	int			over = 0,
				under = 0;

	if (ka > 0)
	{
		over = (int) ((n + ka - 1) / ka) - a->max_size;
		under = a->min_size - (int) (n / kb);
	}
	if (a->policy == INFEASIBLE_ERROR)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no number of hubs fits sizes %d to %d", a->min_size, a->max_size),
				 ka == 0 ?
				 errdetail("The partition has %d points, fewer than min_size.", n) :
				 errdetail("The partition has %d points: with %d hub(s) sizes would be %d to %d, with %d hub(s) %d to %d.",
						   n, (int) ka, (int) (n / ka), (int) ((n + ka - 1) / ka),
						   (int) kb, (int) (n / kb), (int) ((n + kb - 1) / kb)),
				 errhint("Widen the size range, or pass on_infeasible => 'null' (NULL hubs for such partitions) or 'nearest' (the nearest feasible sizes).")));
	plan->k = 0;
	if (a->policy == INFEASIBLE_NULL)
		return;
	if (ka == 0)
	{
		plan->k = 1;
		plan->lo = plan->hi = n;
	}
	else if (over <= under)
	{
		plan->k = (int) ka;
		plan->lo = a->min_size;
		plan->hi = a->max_size + over;
	}
	else
	{
		plan->k = (int) kb;
		plan->lo = a->min_size - under;
		plan->hi = a->max_size;
	}
	/* the sizes k hubs within [lo, hi] can actually have */
	{
		int64		lo = Max((int64) plan->lo, n - (int64) (plan->k - 1) * plan->hi);
		int64		hi = Min((int64) plan->hi, n - (int64) (plan->k - 1) * plan->lo);

		plan->lo = (int) lo;
		plan->hi = (int) hi;
	}
	ereport(NOTICE,
			(errmsg("no number of hubs fits sizes %d to %d in a partition of %d point(s)",
					a->min_size, a->max_size, n),
			 errdetail("Using %d hub(s) of %d to %d points, the nearest feasible sizes.",
					   plan->k, plan->lo, plan->hi)));
}

/* Range form: the feasible hub count closest to N / ((min+max)/2). */
static void
PlanForRange(const ClusterArgs *a, int n, HubPlan *plan)
{
	int			k_lo,
				k_hi;

	if (a->min_size < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_size must be at least 1"),
				 errdetail("min_size is %d; the partition has %d points.", a->min_size, n)));
	if (a->min_size > a->max_size)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_size must not exceed max_size"),
				 errdetail("min_size is %d and max_size is %d; the partition has %d points.",
						   a->min_size, a->max_size, n)));
	plan->k = 0;
	if (n == 0)
		return;					/* no points: no hubs, every row is NULL */
	plan->k = spectral_hubs_for_range(n, a->min_size, a->max_size, &k_lo, &k_hi);
	plan->lo = a->min_size;
	plan->hi = a->max_size;
	if (plan->k == 0)
		PlanInfeasibleRange(a, n, plan);
}

/* Reads the partition's points; returns how many are usable. */
static int
ReadPartition(WindowObject winobj, PostgisFns *pf, int64 rowcount, ClusterContext *context,
			  double *xs, double *ys, int *rowof, int32 *srid)
{
	int			n = 0;
	bool		have_srid = false;

	*srid = 0;
	for (int64 r = 0; r < rowcount; r++)
	{
		bool		isnull,
					isout;
		Datum		g;
		int32		psrid;

		CHECK_FOR_INTERRUPTS();
		context->result[r] = -1;
		g = WinGetFuncArgInPartition(winobj, 0, (int) r, WINDOW_SEEK_HEAD, false,
									 &isnull, &isout);
		if (isnull || isout)
			continue;
		if (!edupredict_read_point(pf, g, &xs[n], &ys[n], &psrid))
			continue;
		if (!have_srid)
		{
			*srid = psrid;
			have_srid = true;
		}
		else if (psrid != *srid)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("mixed SRIDs in one partition"),
					 errdetail("Row %lld of the partition has SRID %d, earlier rows have SRID %d.",
							   (long long) r + 1, psrid, *srid),
					 errhint("Transform the geometries to one SRID, e.g. with ST_Transform.")));
		rowof[n] = (int) r;
		n++;
	}
	return n;
}

typedef struct CanonOrder
{
	double		x;
	double		y;
	int			idx;
} CanonOrder;

static int
CanonCmp(const void *a, const void *b)
{
	const CanonOrder *p = a,
			   *q = b;

	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	if (p->y != q->y)
		return p->y < q->y ? -1 : 1;
	return p->idx < q->idx ? -1 : (p->idx > q->idx ? 1 : 0);
}

/*
 * Clusters n points in canonical order (by x, then y), so that neither the
 * core's input nor the hub numbers (order of first appearance) depend on the
 * order in which the plan delivers rows; only identical points can trade
 * hubs.  Writes the hub of each row into context->result.
 */
static void
ClusterPoints(const ClusterArgs *a, const HubPlan *plan, PostgisFns *pf, int32 srid,
			  int n, const double *xs, const double *ys, const int *rowof,
			  ClusterContext *context)
{
	CanonOrder *canon = palloc(sizeof(CanonOrder) * n);
	double	   *cx = palloc(sizeof(double) * n);
	double	   *cy = palloc(sizeof(double) * n);
	int		   *labels = palloc(sizeof(int) * n);
	int		   *renum = palloc(sizeof(int) * plan->k);
	SpectralEnv env = edupredict_spectral_env(CurrentMemoryContext);
	SpectralInput in;
	SpectralStats stats;
	SpectralStatus st;
	int			next = 0;

	for (int i = 0; i < n; i++)
	{
		canon[i].x = xs[i];
		canon[i].y = ys[i];
		canon[i].idx = i;
	}
	qsort(canon, n, sizeof(CanonOrder), CanonCmp);
	in.geographic = edupredict_srid_is_geographic(pf, srid);
	for (int i = 0; i < n; i++)
	{
		cx[i] = canon[i].x;
		cy[i] = canon[i].y;
		edupredict_check_coordinates(in.geographic, cx[i], cy[i]);
	}
	in.n = n;
	in.x = cx;
	in.y = cy;
	in.k = plan->k;
	in.min_size = plan->lo;
	in.max_size = plan->hi;
	in.n_neighbors = a->n_neighbors;
	in.seed = (uint64_t) (uint32) a->seed;
	st = spectral_cluster(&env, &in, labels, &stats);
	if (st == SPECTRAL_ERR_LAPACK)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_INVOCATION_EXCEPTION),
				 errmsg("LAPACK eigensolver failed in balanced_spectral_cluster")));
	else if (st != SPECTRAL_OK)
		elog(ERROR, "balanced_spectral_cluster: core returned status %d", (int) st);
	ereport(DEBUG1,
			(errmsg_internal("balanced_spectral_cluster: n=%d k=%d sizes %d..%d method=%d neighbours=%d edges=%ld eigensolves=%d lanczos_steps=%d dense=%d refine_iterations=%d cycles=%ld starts=%.4f..%.4f refined=%.4f..%.4f objective=%.4f worst=%.4f",
							 n, plan->k, plan->lo, plan->hi, stats.method, stats.n_neighbors,
							 stats.graph_edges, stats.eigen_solves, stats.lanczos_steps,
							 stats.dense_solves, stats.refine_iterations, stats.cycles_cancelled,
							 stats.start_min, stats.start_max, stats.refined_min, stats.refined_max,
							 stats.objective, stats.worst_hub)));

	/* hub numbers in order of first appearance in the canonical order */
	for (int h = 0; h < plan->k; h++)
		renum[h] = -1;
	for (int i = 0; i < n; i++)
	{
		if (labels[i] < 0 || labels[i] >= plan->k)
			elog(ERROR, "balanced_spectral_cluster: hub %d out of range", labels[i]);
		if (renum[labels[i]] < 0)
			renum[labels[i]] = next++;
		context->result[rowof[canon[i].idx]] = renum[labels[i]];
	}
}

/*
 * Refuses a partition whose clustering would allocate more than
 * edupredict.cluster_max_memory, estimated from its row count (an upper
 * bound on its points) and n_neighbors before anything is read: the core's
 * stages plus this file's arrays (coordinates, row numbers, the canonical
 * order, labels and the per-row results).
 */
static void
CheckMemory(const ClusterArgs *a, int64 rowcount)
{
	uint64		perrow = 4 * sizeof(double) + 3 * sizeof(int) + sizeof(CanonOrder);
	uint64		need = spectral_memory_estimate((int) rowcount, a->n_neighbors) +
		(uint64) rowcount * perrow;
	uint64		cap = (uint64) edupredict_cluster_max_memory_mb * 1024 * 1024;
	int			nn = a->n_neighbors > 0 ? a->n_neighbors : SPECTRAL_DEFAULT_NEIGHBORS;

	if (need > cap)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("partition of %lld rows needs about %llu MB, more than edupredict.cluster_max_memory (%d MB)",
						(long long) rowcount, (unsigned long long) ((need + 1024 * 1024 - 1) / (1024 * 1024)),
						edupredict_cluster_max_memory_mb),
				 errdetail("The neighbour graph takes about 56 bytes per point and neighbour; n_neighbors is %d.", nn),
				 errhint("Lower n_neighbors (NULL chooses %d), cluster smaller partitions, or ask a superuser to raise edupredict.cluster_max_memory.",
						 SPECTRAL_DEFAULT_NEIGHBORS)));
}

static void
ComputePartition(FunctionCallInfo fcinfo, WindowObject winobj, bool by_range,
				 bool has_policy, ClusterContext *context, int64 rowcount)
{
	MemoryContext work;
	MemoryContext old;
	ClusterArgs a;
	HubPlan		plan;
	PostgisFns *pf;
	double	   *xs;
	double	   *ys;
	int		   *rowof;			/* point -> row */
	int			n;
	int32		srid;
	size_t		alloc_rows = rowcount > 0 ? (size_t) rowcount : 1;

	ReadArgs(winobj, by_range, has_policy, &a);
	if (rowcount > edupredict_cluster_max_points)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("partition of %lld rows exceeds edupredict.cluster_max_points (%d)",
						(long long) rowcount, edupredict_cluster_max_points),
				 errhint("Raise edupredict.cluster_max_points, or cluster smaller partitions.")));
	CheckMemory(&a, rowcount);

	work = AllocSetContextCreate(CurrentMemoryContext, "balanced_spectral_cluster",
								 ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(work);
	pf = edupredict_postgis_fns(fcinfo, get_fn_expr_argtype(fcinfo->flinfo, 0));
	xs = palloc(sizeof(double) * alloc_rows);
	ys = palloc(sizeof(double) * alloc_rows);
	rowof = palloc(sizeof(int) * alloc_rows);
	n = ReadPartition(winobj, pf, rowcount, context, xs, ys, rowof, &srid);

	if (by_range)
		PlanForRange(&a, n, &plan);
	else
		PlanForK(&a, n, &plan);
	if (plan.k > 0)
		ClusterPoints(&a, &plan, pf, srid, n, xs, ys, rowof, context);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(work);
	context->done = true;
}

static Datum
ClusterWindow(FunctionCallInfo fcinfo, bool by_range, bool has_policy)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	int64		rowcount = WinGetPartitionRowCount(winobj);
	int64		curpos;
	ClusterContext *context;

	if (rowcount > INT_MAX / (int64) sizeof(int32) - 1)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("window partition too large for balanced_spectral_cluster")));
	context = (ClusterContext *)
		WinGetPartitionLocalMemory(winobj,
								   offsetof(ClusterContext, result) +
								   sizeof(int32) * (rowcount > 0 ? rowcount : 1));
	if (!context->done)
		ComputePartition(fcinfo, winobj, by_range, has_policy, context, rowcount);
	curpos = WinGetCurrentPosition(winobj);
	if (curpos < 0 || curpos >= rowcount || context->result[curpos] < 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(context->result[curpos]);
}

Datum
balanced_spectral_cluster_k(PG_FUNCTION_ARGS)
{
	return ClusterWindow(fcinfo, false, false);
}

Datum
balanced_spectral_cluster_range(PG_FUNCTION_ARGS)
{
	return ClusterWindow(fcinfo, true, false);
}

Datum
balanced_spectral_cluster_k_0_2(PG_FUNCTION_ARGS)
{
	return ClusterWindow(fcinfo, false, true);
}

Datum
balanced_spectral_cluster_range_0_2(PG_FUNCTION_ARGS)
{
	return ClusterWindow(fcinfo, true, true);
}
