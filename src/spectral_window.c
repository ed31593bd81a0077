/*-------------------------------------------------------------------------
 *
 * spectral_window.c
 *	  SQL interface of balanced spectral clustering: the window functions
 *	  balanced_spectral_cluster(geom, k, ...) and
 *	  balanced_spectral_cluster(geom, min_size, max_size, ...), and the
 *	  set-returning hub_summary(geom[], hub[]).
 *
 * Like PostGIS's ST_ClusterKMeans, the window functions compute the whole
 * partition once into WinGetPartitionLocalMemory and then return one value
 * per row.  Coordinates are read only through PostGIS's SQL-callable
 * functions (ST_SRID, ST_IsEmpty, ST_Centroid, ST_X, ST_Y), looked up in the
 * schema of the geometry type, never by parsing its storage format.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/value.h"
#include "parser/parse_func.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"
#include "windowapi.h"

#include "edupredict.h"
#include "spectral.h"

PG_FUNCTION_INFO_V1(balanced_spectral_cluster_k);
PG_FUNCTION_INFO_V1(balanced_spectral_cluster_range);
PG_FUNCTION_INFO_V1(hub_summary);

/* edupredict.cluster_max_points: largest partition clustered. */
static int	cluster_max_points = 1000000;

void
edupredict_spectral_init(void)
{
	spectral_blas_single_thread();
	DefineCustomIntVariable("edupredict.cluster_max_points",
							"Largest number of points balanced_spectral_cluster accepts in one partition.",
							"Memory grows linearly with the number of points (about 2.5 kB per point at the default neighbour count). Only superusers can change it: it protects the server's memory.",
							&cluster_max_points,
							1000000, 1, SPECTRAL_MAX_POINTS,
							PGC_SUSET, 0,
							NULL, NULL, NULL);
}

/* PostGIS functions used to read coordinates, looked up once per query. */
typedef struct PostgisFns
{
	Oid			geomtype;
	char	   *nspname;
	FmgrInfo	srid;
	FmgrInfo	isempty;
	FmgrInfo	centroid;
	FmgrInfo	x;
	FmgrInfo	y;
	FmgrInfo	makepoint;
	FmgrInfo	setsrid;
} PostgisFns;

static void
LookupPostgis(FmgrInfo *finfo, const char *nspname, const char *name, int nargs,
			  Oid *argtypes, MemoryContext mcxt)
{
	List	   *fname = list_make2(makeString(pstrdup(nspname)), makeString(pstrdup(name)));
	Oid			fn = LookupFuncName(fname, nargs, argtypes, true);

	if (!OidIsValid(fn))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("PostGIS function %s.%s not found", nspname, name),
				 errhint("Install PostGIS 3 in the schema of the geometry type.")));
	fmgr_info_cxt(fn, finfo, mcxt);
}

static PostgisFns *
GetPostgisFns(FunctionCallInfo fcinfo, Oid geomtype)
{
	PostgisFns *pf = (PostgisFns *) fcinfo->flinfo->fn_extra;
	MemoryContext mcxt = fcinfo->flinfo->fn_mcxt;
	HeapTuple	tup;
	Oid			nsp;
	Oid			args[2];

	if (pf != NULL && pf->geomtype == geomtype)
		return pf;
	if (!OidIsValid(geomtype))
		elog(ERROR, "could not determine the geometry type");
	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(geomtype));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for type %u", geomtype);
	nsp = ((Form_pg_type) GETSTRUCT(tup))->typnamespace;
	ReleaseSysCache(tup);

	pf = MemoryContextAllocZero(mcxt, sizeof(PostgisFns));
	pf->geomtype = geomtype;
	pf->nspname = MemoryContextStrdup(mcxt, get_namespace_name(nsp));
	args[0] = geomtype;
	LookupPostgis(&pf->srid, pf->nspname, "st_srid", 1, args, mcxt);
	LookupPostgis(&pf->isempty, pf->nspname, "st_isempty", 1, args, mcxt);
	LookupPostgis(&pf->centroid, pf->nspname, "st_centroid", 1, args, mcxt);
	LookupPostgis(&pf->x, pf->nspname, "st_x", 1, args, mcxt);
	LookupPostgis(&pf->y, pf->nspname, "st_y", 1, args, mcxt);
	args[0] = FLOAT8OID;
	args[1] = FLOAT8OID;
	LookupPostgis(&pf->makepoint, pf->nspname, "st_makepoint", 2, args, mcxt);
	args[0] = geomtype;
	args[1] = INT4OID;
	LookupPostgis(&pf->setsrid, pf->nspname, "st_setsrid", 2, args, mcxt);
	fcinfo->flinfo->fn_extra = pf;
	return pf;
}

/*
 * Coordinates of a geometry (its centroid unless it is a point).  Returns
 * false for an empty geometry.
 */
static bool
ReadPoint(PostgisFns *pf, Datum geom, double *x, double *y, int32 *srid)
{
	Datum		c;

	if (DatumGetBool(FunctionCall1(&pf->isempty, geom)))
		return false;
	*srid = DatumGetInt32(FunctionCall1(&pf->srid, geom));
	c = FunctionCall1(&pf->centroid, geom);
	if (DatumGetBool(FunctionCall1(&pf->isempty, c)))
		return false;
	*x = DatumGetFloat8(FunctionCall1(&pf->x, c));
	*y = DatumGetFloat8(FunctionCall1(&pf->y, c));
	return true;
}

/*
 * Whether an SRID is geographic (longitude/latitude), from PostGIS's
 * spatial_ref_sys.  SRID 0 is planar.
 */
static bool
SridIsGeographic(PostgisFns *pf, int32 srid)
{
	bool		geographic = false;
	bool		found = false;
	StringInfoData sql;
	Oid			argtypes[1] = {INT4OID};
	Datum		values[1];

	if (srid == 0)
		return false;
	initStringInfo(&sql);
	appendStringInfo(&sql,
					 "SELECT coalesce(proj4text, '') LIKE '%%+proj=longlat%%' "
					 "OR coalesce(srtext, '') ~ '^(GEOGCS|GEOGCRS|GEODCRS)' "
					 "FROM %s.spatial_ref_sys WHERE srid = $1",
					 quote_identifier(pf->nspname));
	values[0] = Int32GetDatum(srid);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args(sql.data, 1, argtypes, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read spatial_ref_sys");
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		found = true;
		geographic = !isnull && DatumGetBool(d);
	}
	SPI_finish();
	pfree(sql.data);
	if (!found)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("SRID %d is not in spatial_ref_sys", srid),
				 errdetail("Distances need to know whether the coordinates are longitude and latitude or projected."),
				 errhint("Use a known SRID, or SRID 0 for plain planar coordinates.")));
	return geographic;
}

static void
CheckCoordinates(bool geographic, double x, double y)
{
	if (!isfinite(x) || !isfinite(y))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("geometry coordinates must be finite")));
	if (!geographic && (fabs(x) > SPECTRAL_MAX_PLANAR_COORD || fabs(y) > SPECTRAL_MAX_PLANAR_COORD))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("planar coordinates out of range"),
				 errdetail("Coordinates must be within -%g..%g.",
						   SPECTRAL_MAX_PLANAR_COORD, SPECTRAL_MAX_PLANAR_COORD)));
	if (geographic && (y < -90.0 || y > 90.0 || x < -360.0 || x > 360.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("longitude or latitude out of range for a geographic SRID"),
				 errdetail("Latitude must be within -90..90 and longitude within -360..360 degrees.")));
}

/* ---------------------------------------------------------------- */
/* Core hooks                                                        */
/* ---------------------------------------------------------------- */

static void *
PgAlloc(size_t size, void *arg)
{
	return MemoryContextAllocHuge((MemoryContext) arg, size);
}

static void
PgRelease(void *ptr, void *arg)
{
	pfree(ptr);
}

static void
PgInterrupt(void *arg)
{
	CHECK_FOR_INTERRUPTS();
}

/* ---------------------------------------------------------------- */
/* Window functions                                                  */
/* ---------------------------------------------------------------- */

typedef struct ClusterContext
{
	bool		done;
	int32		result[FLEXIBLE_ARRAY_MEMBER];	/* -1 for NULL */
} ClusterContext;

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

/* Sizes for k hubs over n points: floor and ceiling of n / k. */
static void
SizesForK(int n, int k, int *lo, int *hi)
{
	*lo = n / k;
	*hi = (n + k - 1) / k;
}

static void
ComputePartition(FunctionCallInfo fcinfo, WindowObject winobj, bool by_range,
				 ClusterContext *context, int64 rowcount)
{
	MemoryContext work;
	MemoryContext old;
	PostgisFns *pf;
	double	   *xs;
	double	   *ys;
	int		   *rowof;			/* point -> row */
	int			n = 0;
	int32		srid = 0;
	bool		have_srid = false;
	int32		k = 0,
				min_size = 0,
				max_size = 0,
				n_neighbors,
				seed;
	bool		nn_null;
	int			argbase;
	SpectralInput in;
	SpectralEnv env;
	SpectralStats stats;
	SpectralStatus st;
	CanonOrder *canon;
	int		   *labels;
	int		   *renum;
	double	   *cx,
			   *cy;

	/* parameters, from the current (first) row */
	if (by_range)
	{
		min_size = ArgInt(winobj, 1, "min_size", false, 0);
		max_size = ArgInt(winobj, 2, "max_size", false, 0);
		argbase = 3;
	}
	else
	{
		k = ArgInt(winobj, 1, "k", false, 0);
		argbase = 2;
	}
	(void) WinGetFuncArgCurrent(winobj, argbase, &nn_null);
	n_neighbors = ArgInt(winobj, argbase, "n_neighbors", true, 0);
	seed = ArgInt(winobj, argbase + 1, "seed", false, 0);
	if (nn_null)
		n_neighbors = 0;		/* NULL: the default (an explicit -1 is an error) */
	else if (n_neighbors < 1 || n_neighbors > SPECTRAL_MAX_NEIGHBORS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n_neighbors must be between 1 and %d", SPECTRAL_MAX_NEIGHBORS),
				 errdetail("n_neighbors is %d; NULL chooses %d.", n_neighbors,
						   SPECTRAL_DEFAULT_NEIGHBORS)));
	if (rowcount > cluster_max_points)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("partition of %lld rows exceeds edupredict.cluster_max_points (%d)",
						(long long) rowcount, cluster_max_points),
				 errhint("Raise edupredict.cluster_max_points, or cluster smaller partitions.")));

	work = AllocSetContextCreate(CurrentMemoryContext, "balanced_spectral_cluster",
								 ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(work);
	pf = GetPostgisFns(fcinfo, get_fn_expr_argtype(fcinfo->flinfo, 0));
	xs = palloc(sizeof(double) * (rowcount > 0 ? rowcount : 1));
	ys = palloc(sizeof(double) * (rowcount > 0 ? rowcount : 1));
	rowof = palloc(sizeof(int) * (rowcount > 0 ? rowcount : 1));

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
		if (!ReadPoint(pf, g, &xs[n], &ys[n], &psrid))
			continue;
		if (!have_srid)
		{
			srid = psrid;
			have_srid = true;
		}
		else if (psrid != srid)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("mixed SRIDs in one partition"),
					 errdetail("Row %lld has SRID %d, earlier rows have SRID %d.",
							   (long long) r + 1, psrid, srid),
					 errhint("Transform the geometries to one SRID, e.g. with ST_Transform.")));
		rowof[n] = (int) r;
		n++;
	}

	/* the request must be feasible for the n usable points */
	if (by_range)
	{
		int			k_lo,
					k_hi;

		if (min_size < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("min_size must be at least 1"),
					 errdetail("min_size is %d; the partition has %d points.", min_size, n)));
		if (min_size > max_size)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("min_size must not exceed max_size"),
					 errdetail("min_size is %d and max_size is %d; the partition has %d points.",
							   min_size, max_size, n)));
		k = spectral_hubs_for_range(n, min_size, max_size, &k_lo, &k_hi);
		if (n == 0)
			k = 0;				/* no points: no hubs, every row is NULL */
		else if (k == 0)
		{
			int			mid = (int) (((int64) min_size + max_size + 1) / 2);
			int			k1 = n / mid > 0 ? n / mid : 1;
			int			k2 = k1 + 1 <= n ? k1 + 1 : k1;
			int			a1,
						b1,
						a2,
						b2;

			SizesForK(n, k1, &a1, &b1);
			SizesForK(n, k2, &a2, &b2);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("no number of hubs fits sizes %d to %d", min_size, max_size),
					 errdetail("The partition has %d points: with %d hub(s) sizes would be %d to %d, with %d hub(s) %d to %d.",
							   n, k1, a1, b1, k2, a2, b2),
					 errhint("Widen the size range so that it contains one of these.")));
		}
	}
	else
	{
		if (k < 1 || k > n)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("k must be between 1 and the number of points"),
					 n > 0 ?
					 errdetail("k is %d; the partition has %d non-empty point(s), so k can be 1 to %d.",
							   k, n, n) :
					 errdetail("k is %d; the partition has no non-empty points.", k)));
		SizesForK(n, k, &min_size, &max_size);
	}

	if (n > 0 && k > 0)
	{
		/* canonical order (by x, then y), so the plan's row order does not matter */
		canon = palloc(sizeof(CanonOrder) * n);
		for (int i = 0; i < n; i++)
		{
			canon[i].x = xs[i];
			canon[i].y = ys[i];
			canon[i].idx = i;
		}
		qsort(canon, n, sizeof(CanonOrder), CanonCmp);
		cx = palloc(sizeof(double) * n);
		cy = palloc(sizeof(double) * n);
		{
			bool		geographic = SridIsGeographic(pf, srid);

			for (int i = 0; i < n; i++)
			{
				cx[i] = canon[i].x;
				cy[i] = canon[i].y;
				CheckCoordinates(geographic, cx[i], cy[i]);
			}
			in.geographic = geographic;
		}
		in.n = n;
		in.x = cx;
		in.y = cy;
		in.k = k;
		in.min_size = min_size;
		in.max_size = max_size;
		in.n_neighbors = n_neighbors;
		in.seed = (uint64_t) (uint32) seed;
		env.alloc = PgAlloc;
		env.release = PgRelease;
		env.interrupt = PgInterrupt;
		env.arg = work;
		labels = palloc(sizeof(int) * n);
		st = spectral_cluster(&env, &in, labels, &stats);
		if (st == SPECTRAL_ERR_LAPACK)
			ereport(ERROR,
					(errcode(ERRCODE_EXTERNAL_ROUTINE_INVOCATION_EXCEPTION),
					 errmsg("LAPACK eigensolver failed in balanced_spectral_cluster")));
		else if (st != SPECTRAL_OK)
			elog(ERROR, "balanced_spectral_cluster: core returned status %d", (int) st);
		ereport(DEBUG1,
				(errmsg_internal("balanced_spectral_cluster: n=%d k=%d sizes %d..%d method=%d neighbours=%d edges=%ld eigensolves=%d lanczos_steps=%d dense=%d refine_iterations=%d cycles=%ld objective=%.4f worst=%.4f",
								 n, k, min_size, max_size, stats.method, stats.n_neighbors,
								 stats.graph_edges, stats.eigen_solves, stats.lanczos_steps,
								 stats.dense_solves, stats.refine_iterations,
								 stats.cycles_cancelled, stats.objective, stats.worst_hub)));

		/* hub numbers in order of first appearance in the canonical order */
		renum = palloc(sizeof(int) * k);
		for (int h = 0; h < k; h++)
			renum[h] = -1;
		{
			int			next = 0;

			for (int i = 0; i < n; i++)
			{
				if (labels[i] < 0 || labels[i] >= k)
					elog(ERROR, "balanced_spectral_cluster: hub %d out of range", labels[i]);
				if (renum[labels[i]] < 0)
					renum[labels[i]] = next++;
				context->result[rowof[canon[i].idx]] = renum[labels[i]];
			}
		}
	}
	MemoryContextSwitchTo(old);
	MemoryContextDelete(work);
	context->done = true;
}

static Datum
ClusterWindow(FunctionCallInfo fcinfo, bool by_range)
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
		ComputePartition(fcinfo, winobj, by_range, context, rowcount);
	curpos = WinGetCurrentPosition(winobj);
	if (curpos < 0 || curpos >= rowcount || context->result[curpos] < 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(context->result[curpos]);
}

Datum
balanced_spectral_cluster_k(PG_FUNCTION_ARGS)
{
	return ClusterWindow(fcinfo, false);
}

Datum
balanced_spectral_cluster_range(PG_FUNCTION_ARGS)
{
	return ClusterWindow(fcinfo, true);
}

/* ---------------------------------------------------------------- */
/* hub_summary(geom geometry[], hub integer[])                        */
/* ---------------------------------------------------------------- */

static int
Int32Cmp(const void *a, const void *b)
{
	int32		x = *(const int32 *) a,
				y = *(const int32 *) b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

Datum
hub_summary(PG_FUNCTION_ARGS)
{
	ArrayType  *garr = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *harr = PG_GETARG_ARRAYTYPE_P(1);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			geomtype = ARR_ELEMTYPE(garr);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *gvals;
	bool	   *gnulls;
	Datum	   *hvals;
	bool	   *hnulls;
	int			ng,
				nh;
	PostgisFns *pf;
	double	   *xs,
			   *ys;
	int		   *labels;
	int			n = 0;
	int			nhubs = 0;
	int32	   *hubval;
	int32		srid = 0;
	bool		have_srid = false;
	bool		geographic;
	double		scale;
	SpectralHubStat *hs;
	SpectralEnv env = {PgAlloc, PgRelease, PgInterrupt, CurrentMemoryContext};

	if (ARR_NDIM(garr) > 1 || ARR_NDIM(harr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("hub_summary takes one-dimensional arrays")));
	if (ARR_ELEMTYPE(harr) != INT4OID)
		elog(ERROR, "hub_summary: hub array must be integer[]");
	get_typlenbyvalalign(geomtype, &typlen, &typbyval, &typalign);
	deconstruct_array(garr, geomtype, typlen, typbyval, typalign, &gvals, &gnulls, &ng);
	deconstruct_array(harr, INT4OID, 4, true, TYPALIGN_INT, &hvals, &hnulls, &nh);
	if (ng != nh)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("geom and hub arrays must have the same length"),
				 errdetail("geom has %d element(s) and hub has %d.", ng, nh)));
	if (ng > cluster_max_points)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("hub_summary of %d points exceeds edupredict.cluster_max_points (%d)",
						ng, cluster_max_points)));

	InitMaterializedSRF(fcinfo, 0);
	pf = GetPostgisFns(fcinfo, geomtype);
	xs = palloc(sizeof(double) * (ng > 0 ? ng : 1));
	ys = palloc(sizeof(double) * (ng > 0 ? ng : 1));
	labels = palloc(sizeof(int) * (ng > 0 ? ng : 1));
	for (int i = 0; i < ng; i++)
	{
		int32		psrid;
		int32		h;

		CHECK_FOR_INTERRUPTS();
		if (gnulls[i] || hnulls[i])
			continue;
		h = DatumGetInt32(hvals[i]);
		if (!ReadPoint(pf, gvals[i], &xs[n], &ys[n], &psrid))
			continue;
		if (!have_srid)
		{
			srid = psrid;
			have_srid = true;
		}
		else if (psrid != srid)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("mixed SRIDs in hub_summary"),
					 errdetail("Element %d has SRID %d, earlier elements have SRID %d.",
							   i + 1, psrid, srid)));
		labels[n] = h;
		n++;
	}
	if (n == 0)
		return (Datum) 0;
	geographic = SridIsGeographic(pf, srid);
	for (int i = 0; i < n; i++)
		CheckCoordinates(geographic, xs[i], ys[i]);
	/* km: great-circle distances are km already; planar units are taken as metres */
	scale = geographic ? 1.0 : 0.001;
	/* hub numbers are arbitrary integers: map them to 0..nhubs-1 */
	hubval = palloc(sizeof(int32) * n);
	memcpy(hubval, labels, sizeof(int32) * n);
	qsort(hubval, n, sizeof(int32), Int32Cmp);
	for (int i = 0; i < n; i++)
		if (i == 0 || hubval[i] != hubval[nhubs - 1])
			hubval[nhubs++] = hubval[i];
	for (int i = 0; i < n; i++)
	{
		int32	   *pos = bsearch(&labels[i], hubval, nhubs, sizeof(int32), Int32Cmp);

		labels[i] = (int) (pos - hubval);
	}
	hs = palloc(sizeof(SpectralHubStat) * nhubs);
	spectral_hub_stats(&env, n, xs, ys, labels, nhubs, geographic, hs);
	for (int h = 0; h < nhubs; h++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};
		Datum		pt;

		CHECK_FOR_INTERRUPTS();
		if (hs[h].size == 0)
			continue;
		pt = FunctionCall2(&pf->makepoint, Float8GetDatum(hs[h].cx), Float8GetDatum(hs[h].cy));
		pt = FunctionCall2(&pf->setsrid, pt, Int32GetDatum(srid));
		values[0] = Int32GetDatum(hubval[h]);
		values[1] = Int32GetDatum(hs[h].size);
		values[2] = pt;
		values[3] = Float8GetDatum(hs[h].mean_dist * scale);
		values[4] = Float8GetDatum(hs[h].max_dist * scale);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
