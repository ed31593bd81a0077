/*
 * panel.h - gap-filled entity x period panels (build_panel, docs/panels.md).
 *
 * panel_spec.c turns the SQL arguments into a PanelSpec and the queries that
 * read the spine and the events; panel_period.c maps time units to periods;
 * panel_collect.c accumulates events into per-entity period buckets;
 * panel_series.c computes one entity's rows (fill, lags, rolling means,
 * labels); panel_write.c creates the output table and writes the rows.
 */
#ifndef EDUPREDICT_PANEL_H
#define EDUPREDICT_PANEL_H

#include "postgres.h"

#include "fmgr.h"
#include "access/tupdesc.h"
#include "catalog/pg_attribute.h"
#include "nodes/pg_list.h"
#include "utils/memutils.h"
#include "utils/relcache.h"

/*
 * A time unit is a day number (days since 2000-01-01, in the stated zone for
 * timestamptz) for calendar columns, or the value itself for integer columns.
 * Units beyond this bound are refused, so unit arithmetic never overflows.
 */
#define PANEL_MAX_UNIT		((int64) 1 << 40)
#define PANEL_NO_UNIT		PG_INT64_MIN
/* longest period whose active days are counted (a leap year) */
#define PANEL_MAX_MASK_UNITS 366
#define PANEL_MAX_LAG		10000
#define PANEL_MAX_KEYS		8
#define PANEL_MAX_VALUES	64

typedef enum PanelTimeKind
{
	PT_INTEGER,
	PT_DATE,
	PT_TIMESTAMP,
	PT_TIMESTAMPTZ
} PanelTimeKind;

typedef enum PanelPeriodKind
{
	PP_DAY,
	PP_WEEK,
	PP_MONTH,
	PP_TERM,
	PP_YEAR,
	PP_WIDTH
} PanelPeriodKind;

typedef enum PanelLabelKind
{
	PL_NONE,
	PL_END,						/* the entity's end falls in the next h periods */
	PL_INACTIVE,				/* no event in any of the next h periods */
	PL_EVENT					/* an event flagged by label_column there */
} PanelLabelKind;

typedef enum PanelFill
{
	PF_ZERO,
	PF_CARRY,
	PF_INTERPOLATE
} PanelFill;

typedef enum PanelMeasureKind
{
	PM_COUNT,
	PM_DAYS_ACTIVE,
	PM_SINCE_LAST,
	PM_SUM,
	PM_MEAN,
	PM_MAX,
	PM_MIN
} PanelMeasureKind;

typedef struct PanelMeasure
{
	PanelMeasureKind kind;
	int			value;			/* value column index, -1 for none */
	char		name[NAMEDATALEN];
} PanelMeasure;

/* The period of a unit: a kind, a width (PP_WIDTH) and a per-entity origin. */
typedef struct PanelPeriod
{
	PanelPeriodKind kind;
	PanelTimeKind tkind;
	int64		width;			/* units per period for DAY, WEEK, WIDTH */
	int64		default_origin;
} PanelPeriod;

typedef struct PanelSpec
{
	/* output */
	Oid			out_nsp;
	char	   *out_name;
	char	   *out_qualified;	/* quoted schema.name */
	/* relations, read through these queries */
	Oid			events;
	Oid			spine;			/* InvalidOid: the events' own span */
	char	   *events_query;
	char	   *spine_query;
	/* entity key columns (types of the events' columns) */
	int			nkeys;
	char	  **keys;
	Oid		   *key_types;
	int32	   *key_typmods;
	Oid		   *key_colls;
	/* time */
	char	   *time_column;
	Oid			time_type;
	PanelPeriod period;
	char	   *as_of;			/* text as given, or NULL */
	int64		as_of_last;		/* last unit before as_of (the last row's), or PANEL_NO_UNIT */
	int64		known_last;		/* last unit that ended by as_of (labels), or PANEL_NO_UNIT */
	char	   *zone;
	/* value columns and measures */
	int			nvalues;
	char	  **values;
	int			nmeasures;
	PanelMeasure *measures;
	int			nlags;
	int32	   *lags;
	int			nrolling;
	int32	   *rolling;
	PanelFill	fill;
	/* label */
	PanelLabelKind label;
	int32		horizon;
	char	   *label_column;
	/* spine columns (NULL when absent) */
	char	   *spine_start;
	char	   *spine_end;
	char	   *spine_until;
	char	   *origin;
	Oid			spine_type[4];	/* start, end, until, origin */
	/* bucket layout (panel_collect.c) */
	int			nslots;			/* doubles per period */
	int		   *sum_slot;		/* per value: non-null count at [0], sum at [1] */
	int		   *min_slot;		/* -1 when not measured */
	int		   *max_slot;
	int			label_slot;		/* -1 unless PL_EVENT */
	int			mask_words;		/* active-unit bitmap words per period, 0 if unused */
	int			stride;			/* 8-byte words per period: nslots doubles, then the bitmap */
	/* the arguments as JSON, for the table's comment */
	char	   *json;
} PanelSpec;

/* One entity: key, spine units, and its period buckets. */
typedef struct PanelEntity
{
	Datum		key0;			/* the first key, compared without a second cache miss */
	uint32		hash;
	int32		lo;				/* first allocated period */
	int32		n;				/* allocated periods (0: none) */
	int64		start;			/* PANEL_NO_UNIT when absent */
	int64		end;
	int64		until;
	int64		origin;
	int64		first_unit;		/* earliest event unit (no spine) */
	double	   *b;				/* n * stride */
} PanelEntity;

/* The active-unit bitmap of a period's bucket. */
static inline uint64 *
panel_bucket_mask(const PanelSpec *s, double *bucket)
{
	return (uint64 *) (bucket + s->nslots);
}

typedef struct PanelData
{
	const PanelSpec *spec;
	MemoryContext cxt;
	Size		bytes;			/* allocated bucket and entity memory */
	Size		limit;
	int64		nents;
	int64		cap;
	PanelEntity *ents;
	Datum	   *keys;			/* nents * nkeys */
	uint64	   *table;			/* open addressing: hash << 32 | (entity index + 1) */
	uint64		table_size;		/* power of two */
	FmgrInfo   *hash_fn;		/* per key column */
	FmgrInfo   *eq_fn;
	bool		fast_int;		/* one int2/int4/int8 key: hashed directly */
	bool		key_byval[PANEL_MAX_KEYS];
	int16		key_len[PANEL_MAX_KEYS];
	bool		from_spine;
	int64		max_unit;		/* largest unit seen (last unit without as_of) */
	uint64		events_read;
	uint64		events_used;
} PanelData;

/* settings */
extern int	edupredict_panel_max_memory_mb;

/* panel_spec.c */
extern PanelSpec *panel_spec_from_args(FunctionCallInfo fcinfo);
extern Relation panel_open(Oid relid, const char *role);
extern Form_pg_attribute panel_column(TupleDesc td, const char *name, const char *role, Oid relid);
extern PanelTimeKind panel_time_kind(Oid type, const char *column);
extern void panel_value_column(PanelSpec *s, TupleDesc td, const char *col, int *index);

/* panel_query.c */
extern void panel_spine_spec(PanelSpec *s, Oid spine, char *start, char *end, char *until,
							 char *origin);
extern void panel_check_names(const PanelSpec *s);
extern Oid	panel_measure_type(PanelMeasureKind k);
extern void panel_build_queries(PanelSpec *s);

/* panel_period.c */
extern int32 panel_period_of(const PanelPeriod *p, int64 unit, int64 origin);
extern int64 panel_period_start(const PanelPeriod *p, int32 period, int64 origin);
extern int64 panel_period_units(const PanelPeriod *p);
extern int64 panel_floor_div(int64 a, int64 b);
extern void panel_check_unit(int64 unit, const char *what);

/* panel_collect.c */
extern void panel_collect(PanelData *pd, const PanelSpec *spec);

/* panel_series.c */
typedef struct PanelSeries PanelSeries;
extern PanelSeries *panel_series_create(const PanelSpec *spec, MemoryContext cxt);
extern int	panel_series_compute(PanelSeries *s, const PanelData *pd, const PanelEntity *e,
								 int32 *first_period);
extern void panel_series_row(PanelSeries *s, int row, Datum *values, bool *nulls);
extern int	panel_series_ncols(const PanelSpec *spec);

#endif							/* EDUPREDICT_PANEL_H */
