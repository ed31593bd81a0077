/*
 * ensemble_trees_state.h - the framing of forest_agg_trees's partial state
 * ("EDPT"), without PostgreSQL: where its params, forests, constant parts
 * and rows lie in the bytes.  model_agg_trees.c reads a state with these
 * steps and, between them, does what needs the server (reads the params,
 * counts the forests against the memory cap, decompresses them and checks
 * them as models); test/fuzz/fuzz_agg_state.c feeds the reader arbitrary
 * bytes.
 *
 * Format (integers big-endian, doubles as their 64 bits big-endian):
 *   "EDPT" | u8 version 1 | u8 text_target | u8 task | u8 0 | u32 p |
 *   u32 params_len params | u32 n_forests { u32 len, u32 packed, bytes } |
 *   u32 n_constant { u64 rows, f64 value, u32 len, label } |
 *   [ rows ("EDPA", ensemble_agg_state.h): a state that stayed on its node ]
 * A forest is len bytes of model bytes, stored as they are (packed 0, then
 * len bytes) or pglz-compressed (packed bytes).
 */
#ifndef EDUPREDICT_ENSEMBLE_TREES_STATE_H
#define EDUPREDICT_ENSEMBLE_TREES_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ensemble.h"

#define ENS_TREES_MAGIC 0x45445054	/* "EDPT" */
#define ENS_TREES_VERSION 1
/* the longest forest: what a bytea holds (MaxAllocSize - VARHDRSZ) */
#define ENS_TREES_MAX_FOREST 0x3ffffffbu
/* pglz expands less than this many times: a packed forest claims no more */
#define ENS_TREES_MAX_EXPANSION 100

/*
 * Why a state was refused, one reason a refusal: X(id, text), the text the
 * server's whole message ("invalid forest_agg_trees state: ...").  The
 * framing reader below returns the first ids; the last three are the
 * PostgreSQL layer's own checks (model_agg_trees.c).  That layer expands
 * the list into one errmsg() per id with its literal text (BadState), and
 * gettext_noop marks the texts for translators; ens_trees_why_text gives
 * the same text to a harness.
 */
#define ENS_TREES_WHYS(X) \
	/* too short for a header, or another magic */ \
	X(ENS_TREES_NOT_ONE, gettext_noop("invalid forest_agg_trees state: it is not one")) \
	X(ENS_TREES_VERSION_UNKNOWN, gettext_noop("invalid forest_agg_trees state: unknown version")) \
	/* text_target not 0 or 1, or the reserved byte set */ \
	X(ENS_TREES_FLAGS, gettext_noop("invalid forest_agg_trees state: unknown flags")) \
	/* p, task, or a text target of a regression */ \
	X(ENS_TREES_SHAPE, gettext_noop("invalid forest_agg_trees state: bad shape")) \
	/* a length or count field cut short */ \
	X(ENS_TREES_ENDS_EARLY, gettext_noop("invalid forest_agg_trees state: it ends early")) \
	X(ENS_TREES_PARAMS_PAST_END, gettext_noop("invalid forest_agg_trees state: params run past the end")) \
	X(ENS_TREES_PARAMS_NUL, gettext_noop("invalid forest_agg_trees state: params hold a NUL byte")) \
	/* more forests than the bytes or ENS_MAX_TREES */ \
	X(ENS_TREES_FORESTS_MANY, gettext_noop("invalid forest_agg_trees state: too many forests")) \
	/* a forest of 0 bytes or more than a bytea holds */ \
	X(ENS_TREES_FOREST_LARGE, gettext_noop("invalid forest_agg_trees state: a forest is too large")) \
	X(ENS_TREES_FOREST_PAST_END, gettext_noop("invalid forest_agg_trees state: a forest runs past the end")) \
	/* more constant parts than the bytes hold */ \
	X(ENS_TREES_CONSTS_MANY, gettext_noop("invalid forest_agg_trees state: too many constant parts")) \
	X(ENS_TREES_CLASS_PAST_END, gettext_noop("invalid forest_agg_trees state: a class runs past the end")) \
	/* rows out of range or a class too long (the reader), */ \
	/* a part the rows refuse (model_agg_trees.c) */ \
	X(ENS_TREES_CONST_BAD, gettext_noop("invalid forest_agg_trees state: a bad constant part")) \
	X(ENS_TREES_CLASS_NUL, gettext_noop("invalid forest_agg_trees state: a class holds a NUL byte")) \
	/* the rows' shape or params are not the header's */ \
	X(ENS_TREES_ROWS_MISFIT, gettext_noop("invalid forest_agg_trees state: its rows do not fit its header")) \
	/* bytes after the state */ \
	X(ENS_TREES_TRAILING, gettext_noop("invalid forest_agg_trees state: bytes after its end")) \
	/* model_agg_trees.c: the params' task is not the header's */ \
	X(ENS_TREES_PARAMS_TASK, gettext_noop("invalid forest_agg_trees state: its params name another task")) \
	/* model_agg_trees.c: a packed forest that does not unpack to its length */ \
	X(ENS_TREES_FOREST_UNPACK, gettext_noop("invalid forest_agg_trees state: a forest does not decompress")) \
	/* model_agg_trees.c: not a forest of the header's task and features */ \
	X(ENS_TREES_FOREST_MISFIT, gettext_noop("invalid forest_agg_trees state: a forest of another task or other features"))

#define ENS_TREES_WHY_ENUM(id, text) id,
typedef enum EnsTreesWhy
{
	ENS_TREES_OK = 0,
	ENS_TREES_WHYS(ENS_TREES_WHY_ENUM)
	ENS_TREES_WHY_COUNT
} EnsTreesWhy;
#undef ENS_TREES_WHY_ENUM

/* The header and params. */
typedef struct EnsTreesHead
{
	bool		text_target;
	int			task;			/* ENS_CLASSIFICATION or ENS_REGRESSION */
	uint32_t	p;				/* features, 1 .. ENS_MAX_FEATURES */
	const char *params;			/* params_len bytes in the state, no NUL among them */
	uint32_t	params_len;
} EnsTreesHead;

/* A forest's place: stored bytes at bytes, packed of them (or len when packed is 0). */
typedef struct EnsTreesForest
{
	uint32_t	len;			/* the model's bytes, 1 .. ENS_TREES_MAX_FOREST */
	uint32_t	packed;			/* 0: stored as is */
	const uint8_t *bytes;
} EnsTreesForest;

/* A constant part, its class (if any) in the state's bytes. */
typedef struct EnsTreesConst
{
	uint64_t	rows;			/* 1 .. ENS_MAX_ROWS */
	double		value;
	const char *label;			/* label_len bytes, no NUL among them */
	uint32_t	label_len;		/* at most ENS_MAX_NAME */
} EnsTreesConst;

/* The reader's place in the bytes. */
typedef struct EnsTreesReader
{
	const uint8_t *data;
	size_t		len;
	size_t		pos;			/* bytes read */
} EnsTreesReader;

/*
 * Reading, in this order (each step returns ENS_TREES_OK or why it refused;
 * none reads past len, and no length or count is trusted before the bytes
 * it needs are known to be there):
 *   head:        the header and params;
 *   n_forests:   the count, then n times forest (its stored bytes lie
 *                within the state; a packed one claims at most
 *                ENS_TREES_MAX_EXPANSION times its packed bytes);
 *   n_consts:    the count, then n times constant;
 *   the rows:    ens_trees_rows_left bytes at data + pos, read by the
 *                caller (ensemble_agg_state.h) when there are any; then
 *                rows_fit compares them with the head, and
 *   end:         the rows took used bytes (0 without rows) and nothing follows.
 */
extern void ens_trees_reader_init(EnsTreesReader *r, const uint8_t *data, size_t len);
extern EnsTreesWhy ens_trees_read_head(EnsTreesReader *r, EnsTreesHead *h);
extern EnsTreesWhy ens_trees_read_n_forests(EnsTreesReader *r, uint32_t *n);
extern EnsTreesWhy ens_trees_read_forest(EnsTreesReader *r, EnsTreesForest *f);
extern EnsTreesWhy ens_trees_read_n_consts(EnsTreesReader *r, uint32_t *n);
extern EnsTreesWhy ens_trees_read_const(EnsTreesReader *r, EnsTreesConst *c);
extern size_t ens_trees_rows_left(const EnsTreesReader *r);
extern EnsTreesWhy ens_trees_rows_fit(const EnsTreesHead *h, uint32_t p, bool text_target,
									  const char *params, size_t params_len, uint64_t n);
extern EnsTreesWhy ens_trees_read_end(EnsTreesReader *r, size_t used);

/* The server's message for why (its text in ENS_TREES_WHYS, untranslated). */
extern const char *ens_trees_why_text(EnsTreesWhy why);

#endif							/* EDUPREDICT_ENSEMBLE_TREES_STATE_H */
