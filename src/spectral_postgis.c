/*-------------------------------------------------------------------------
 *
 * spectral_postgis.c
 *	  PostGIS access for balanced spectral clustering: coordinates are read
 *	  only through PostGIS's SQL-callable functions (ST_SRID, ST_IsEmpty,
 *	  ST_Centroid, ST_X, ST_Y), never by parsing its storage format.
 *
 * A database shared by many roles is hostile territory (docs/security.md):
 * a role that can create objects in a schema on the caller's search_path
 * (legacy public) could otherwise shadow a function or an operator and run
 * its code as the caller.  So PostGIS's schema comes from pg_extension, its
 * functions are looked up there by name and exact argument types, and the
 * one SQL text run here names every operator with its schema.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/value.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "spectral_pg.h"

/* Schema of an installed extension (get_extension_schema is static in PG15). */
static Oid
ExtensionSchema(Oid extoid)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			nsp = InvalidOid;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(extoid));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
		nsp = ((Form_pg_extension) GETSTRUCT(tup))->extnamespace;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return nsp;
}

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
				 errhint("Install PostGIS 3.")));
	fmgr_info_cxt(fn, finfo, mcxt);
}

PostgisFns *
edupredict_postgis_fns(FunctionCallInfo fcinfo, Oid argtype)
{
	PostgisFns *pf = (PostgisFns *) fcinfo->flinfo->fn_extra;
	MemoryContext mcxt = fcinfo->flinfo->fn_mcxt;
	Oid			ext;
	Oid			nsp;
	Oid			args[2];

	if (pf == NULL)
	{
		ext = get_extension_oid("postgis", true);
		nsp = OidIsValid(ext) ? ExtensionSchema(ext) : InvalidOid;
		if (!OidIsValid(nsp))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("PostGIS is not installed in this database"),
					 errhint("CREATE EXTENSION postgis.")));
		pf = MemoryContextAllocZero(mcxt, sizeof(PostgisFns));
		pf->nspname = MemoryContextStrdup(mcxt, get_namespace_name(nsp));
		pf->geomtype = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
									   CStringGetDatum("geometry"), ObjectIdGetDatum(nsp));
		if (!OidIsValid(pf->geomtype))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("type %s.geometry not found", pf->nspname),
					 errhint("Install PostGIS 3.")));
		args[0] = pf->geomtype;
		LookupPostgis(&pf->srid, pf->nspname, "st_srid", 1, args, mcxt);
		LookupPostgis(&pf->isempty, pf->nspname, "st_isempty", 1, args, mcxt);
		LookupPostgis(&pf->centroid, pf->nspname, "st_centroid", 1, args, mcxt);
		LookupPostgis(&pf->x, pf->nspname, "st_x", 1, args, mcxt);
		LookupPostgis(&pf->y, pf->nspname, "st_y", 1, args, mcxt);
		args[0] = FLOAT8OID;
		args[1] = FLOAT8OID;
		LookupPostgis(&pf->makepoint, pf->nspname, "st_makepoint", 2, args, mcxt);
		args[0] = pf->geomtype;
		args[1] = INT4OID;
		LookupPostgis(&pf->setsrid, pf->nspname, "st_setsrid", 2, args, mcxt);
		fcinfo->flinfo->fn_extra = pf;
	}
	/* the SQL signatures say geometry; anything else is a caller bug */
	if (!OidIsValid(argtype) || getBaseType(argtype) != pf->geomtype)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("expected values of type %s.geometry", pf->nspname)));
	return pf;
}

bool
edupredict_read_point(PostgisFns *pf, Datum geom, double *x, double *y, int32 *srid)
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
 * spatial_ref_sys.  SRID 0 is planar.  Every operator is qualified: an
 * unqualified LIKE on the varchar column would pick a public.~~(varchar,
 * text) over pg_catalog's text operator (an exact match wins over a cast).
 */
bool
edupredict_srid_is_geographic(PostgisFns *pf, int32 srid)
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
					 "SELECT (proj4text OPERATOR(pg_catalog.~~) '%%+proj=longlat%%') IS TRUE "
					 "OR (srtext OPERATOR(pg_catalog.~) '^(GEOGCS|GEOGCRS|GEODCRS)') IS TRUE "
					 "FROM %s.spatial_ref_sys WHERE srid OPERATOR(pg_catalog.=) $1",
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

void
edupredict_check_coordinates(bool geographic, double x, double y)
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

SpectralEnv
edupredict_spectral_env(MemoryContext mcxt)
{
	SpectralEnv env = {PgAlloc, PgRelease, PgInterrupt, mcxt};

	return env;
}
