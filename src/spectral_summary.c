/*-------------------------------------------------------------------------
 *
 * spectral_summary.c
 *	  hub_summary(geom geometry[], hub integer[]): per hub, its size,
 *	  centroid and mean and max member distance to it (docs/clustering.md).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#include "spectral_pg.h"

PG_FUNCTION_INFO_V1(hub_summary);

static int
Int32Cmp(const void *a, const void *b)
{
	int32		x = *(const int32 *) a,
				y = *(const int32 *) b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/* Hub numbers are arbitrary integers: map them to 0..nhubs-1 in place. */
static int32 *
DenseHubNumbers(int *labels, int n, int *nhubs)
{
	int32	   *hubval = palloc(sizeof(int32) * n);
	int			m = 0;

	memcpy(hubval, labels, sizeof(int32) * n);
	qsort(hubval, n, sizeof(int32), Int32Cmp);
	for (int i = 0; i < n; i++)
		if (i == 0 || hubval[i] != hubval[m - 1])
			hubval[m++] = hubval[i];
	for (int i = 0; i < n; i++)
	{
		int32	   *pos = bsearch(&labels[i], hubval, m, sizeof(int32), Int32Cmp);

		labels[i] = (int) (pos - hubval);
	}
	*nhubs = m;
	return hubval;
}

Datum
hub_summary(PG_FUNCTION_ARGS)
{
	ArrayType  *garr = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *harr = PG_GETARG_ARRAYTYPE_P(1);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
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
	SpectralEnv env = edupredict_spectral_env(CurrentMemoryContext);

	if (ARR_NDIM(garr) > 1 || ARR_NDIM(harr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("hub_summary takes one-dimensional arrays")));
	if (ARR_ELEMTYPE(harr) != INT4OID)
		elog(ERROR, "hub_summary: hub array must be integer[]");
	pf = edupredict_postgis_fns(fcinfo, ARR_ELEMTYPE(garr));
	get_typlenbyvalalign(pf->geomtype, &typlen, &typbyval, &typalign);
	deconstruct_array(garr, ARR_ELEMTYPE(garr), typlen, typbyval, typalign, &gvals, &gnulls, &ng);
	deconstruct_array(harr, INT4OID, 4, true, TYPALIGN_INT, &hvals, &hnulls, &nh);
	if (ng != nh)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("geom and hub arrays must have the same length"),
				 errdetail("geom has %d element(s) and hub has %d.", ng, nh)));
	if (ng > edupredict_cluster_max_points)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("hub_summary of %d points exceeds edupredict.cluster_max_points (%d)",
						ng, edupredict_cluster_max_points)));

	InitMaterializedSRF(fcinfo, 0);
	xs = palloc(sizeof(double) * (ng > 0 ? ng : 1));
	ys = palloc(sizeof(double) * (ng > 0 ? ng : 1));
	labels = palloc(sizeof(int) * (ng > 0 ? ng : 1));
	for (int i = 0; i < ng; i++)
	{
		int32		psrid;

		CHECK_FOR_INTERRUPTS();
		if (gnulls[i] || hnulls[i])
			continue;
		if (!edupredict_read_point(pf, gvals[i], &xs[n], &ys[n], &psrid))
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
		labels[n] = DatumGetInt32(hvals[i]);
		n++;
	}
	if (n == 0)
		return (Datum) 0;
	geographic = edupredict_srid_is_geographic(pf, srid);
	for (int i = 0; i < n; i++)
		edupredict_check_coordinates(geographic, xs[i], ys[i]);
	/* km: great-circle distances are km already; planar units are taken as metres */
	scale = geographic ? 1.0 : 0.001;
	hubval = DenseHubNumbers(labels, n, &nhubs);
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
