/*-------------------------------------------------------------------------
 *
 * spectral_pg.h
 *	  PostgreSQL side of balanced spectral clustering, shared by the window
 *	  functions (spectral_window.c) and hub_summary (spectral_summary.c):
 *	  PostGIS access (spectral_postgis.c) and the core's hooks.
 *
 *-------------------------------------------------------------------------
 */
#ifndef EDUPREDICT_SPECTRAL_PG_H
#define EDUPREDICT_SPECTRAL_PG_H

#include "fmgr.h"

#include "spectral.h"

/* edupredict.cluster_max_points: largest partition or array clustered. */
extern int	edupredict_cluster_max_points;
/* edupredict.cluster_max_memory (MB): cap on one partition's estimated memory. */
extern int	edupredict_cluster_max_memory_mb;

/*
 * PostGIS functions used to read and make points, found in the schema
 * pg_extension records for PostGIS (never through search_path), once per
 * query (fn_extra).
 */
typedef struct PostgisFns
{
	Oid			geomtype;		/* PostGIS's geometry type */
	char	   *nspname;		/* PostGIS's schema */
	FmgrInfo	srid;
	FmgrInfo	isempty;
	FmgrInfo	centroid;
	FmgrInfo	x;
	FmgrInfo	y;
	FmgrInfo	makepoint;
	FmgrInfo	setsrid;
} PostgisFns;

/*
 * The PostGIS functions for a call whose geometry values have type argtype
 * (which must be PostGIS's geometry); cached in fcinfo->flinfo->fn_extra.
 */
extern PostgisFns *edupredict_postgis_fns(FunctionCallInfo fcinfo, Oid argtype);

/*
 * Coordinates of a geometry (its centroid unless it is a point); false for
 * an empty geometry.
 */
extern bool edupredict_read_point(PostgisFns *pf, Datum geom, double *x, double *y,
								  int32 *srid);

/* Whether an SRID is longitude/latitude, from PostGIS's spatial_ref_sys. */
extern bool edupredict_srid_is_geographic(PostgisFns *pf, int32 srid);

/* Refuses coordinates the core cannot use (22023). */
extern void edupredict_check_coordinates(bool geographic, double x, double y);

/* The core's hooks: allocate in mcxt, CHECK_FOR_INTERRUPTS. */
extern SpectralEnv edupredict_spectral_env(MemoryContext mcxt);

#endif							/* EDUPREDICT_SPECTRAL_PG_H */
