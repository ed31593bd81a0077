/*
 * ensemble_agg_state.h - the bytes of a model aggregate's partial state
 * (forest_agg, boost_agg, and the rows inside a forest_agg_trees state),
 * without PostgreSQL: what the serial function writes and the deserial
 * function reads.  model_agg.c keeps the rows in an AggState and calls
 * these; test/fuzz/fuzz_agg_state.c feeds the reader arbitrary bytes.
 *
 * Format (integers big-endian, doubles as their 64 bits big-endian):
 *   "EDPA" | u32 p | u8 flags | i64 n | u32 params_len params |
 *   u32 n_labels { u32 len, label } | [u32 n_groups { u32 len, key }] |
 *   p columns of n f64 | n f64 targets | [n f64 group ids]
 * flags: 1 a text target, 2 group keys (the 4-argument aggregates; the
 * bracketed parts are there only then).  A text target is stored as its
 * label id, 0 .. n_labels - 1, a group key as its id, 0 .. n_groups - 1.
 */
#ifndef EDUPREDICT_ENSEMBLE_AGG_STATE_H
#define EDUPREDICT_ENSEMBLE_AGG_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ensemble.h"

#define ENS_AGG_MAGIC 0x45445041	/* "EDPA" */
/*
 * The leader's own partial state in a parallel plan: "EDPL" | u64 key, the
 * key under which its rows stay in the process (model_agg_local.c).
 */
#define ENS_AGG_LOCAL_MAGIC 0x4544504C	/* "EDPL" */
#define ENS_AGG_LOCAL_BYTES 12
#define ENS_AGG_MAX_ROWS 100000000
/*
 * Reading and writing poll their interrupt callback before every piece of
 * this many rows of each column, of the targets and of the group ids, and
 * of the entries of each dictionary (the first piece included).
 */
#define ENS_AGG_POLL_ROWS 65536

/*
 * The big-endian integer at data + *pos, as pqformat writes them (this
 * state and forest_agg_trees's), moving *pos past it; the caller has
 * checked that its bytes are there.
 */
static inline uint32_t
ens_take_be32(const uint8_t *data, size_t *pos)
{
	const uint8_t *b = data + *pos;

	*pos += 4;
	return ((uint32_t) b[0] << 24) | ((uint32_t) b[1] << 16) | ((uint32_t) b[2] << 8) | b[3];
}

static inline uint64_t
ens_take_be64(const uint8_t *data, size_t *pos)
{
	uint64_t	hi = ens_take_be32(data, pos);

	return (hi << 32) | ens_take_be32(data, pos);
}

/* A state's rows, as the writer takes them and the reader fills them. */
typedef struct EnsAggRows
{
	uint32_t	p;				/* features, 1 .. ENS_MAX_FEATURES */
	bool		text_target;
	bool		grouped;		/* each row has a group key */
	uint64_t	n;				/* rows, at most ENS_AGG_MAX_ROWS */
	const char *params;			/* params_len bytes, no NUL among them */
	uint32_t	params_len;
	EnsDict    *labels;			/* text target: the labels by id, else NULL */
	double	  **cols;			/* p columns of n values */
	double	   *y;				/* n targets (label ids for text) */
	EnsDict    *groups;			/* grouped: the group keys by id, else NULL */
	double	   *g;				/* grouped: n group ids, else NULL */
} EnsAggRows;

/* The reader's place in the bytes. */
typedef struct EnsAggReader
{
	const uint8_t *data;
	size_t		len;
	size_t		pos;			/* bytes read */
	uint32_t	n_labels;
	uint32_t	n_groups;
} EnsAggReader;

/*
 * Reading takes three steps, so that the caller can allocate (and refuse
 * to allocate) between them; each returns ENS_OK, ENS_ETRUNC (the bytes
 * end before what they claim), ENS_ECORRUPT (a value out of range),
 * ENS_EINTR (intr, which may be NULL, asked to stop) or, from
 * ens_agg_read_labels, ENS_ENOMEM.  No step reads past len, and no
 * count is trusted before the bytes it needs are known to be there.
 *
 *   header: p, text_target, grouped and n into rows; the columns, targets
 *           (and group ids) must fit in what is left.
 *   labels: params (rows->params points into the bytes), the labels,
 *           added to rows->labels (an empty dictionary for a text target,
 *           NULL otherwise), and the group keys, added to rows->groups
 *           (an empty dictionary when grouped, NULL otherwise); each label
 *           and each key must be new.
 *   rows:   the columns, targets and group ids into rows->cols, rows->y
 *           and rows->g (the caller's, n values each); a text target must
 *           be a label id, a group id a key's.
 * After the rows, r->pos is the end of the state.
 */
extern void ens_agg_reader_init(EnsAggReader *r, const uint8_t *data, size_t len);
/* whether data is a leader's local state ("EDPL" | u64 key), and its key */
extern bool ens_agg_local_key(const uint8_t *data, size_t len, uint64_t *key);
extern EnsStatus ens_agg_read_header(EnsAggReader *r, EnsAggRows *rows);
extern EnsStatus ens_agg_read_labels(EnsAggReader *r, EnsAggRows *rows, EnsInterruptFn intr,
									 void *intr_arg);
extern EnsStatus ens_agg_read_rows(EnsAggReader *r, const EnsAggRows *rows, EnsInterruptFn intr,
								   void *intr_arg);

/*
 * The bytes of rows (their size, then writing them to out, which has that
 * room): ENS_OK, or ENS_EINTR when intr asked to stop (out then holds part
 * of them).
 */
extern uint64_t ens_agg_write_size(const EnsAggRows *rows);
extern EnsStatus ens_agg_write_rows(const EnsAggRows *rows, uint8_t *out, EnsInterruptFn intr,
									void *intr_arg);

#endif							/* EDUPREDICT_ENSEMBLE_AGG_STATE_H */
