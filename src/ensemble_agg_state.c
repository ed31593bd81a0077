/*
 * ensemble_agg_state.c - reading and writing the partial state of the
 * model aggregates (format in ensemble_agg_state.h), without PostgreSQL.
 *
 * The bytes come from another process (a parallel worker) or, inside a
 * forest_agg_trees state, from any caller of its combine function: every
 * count is checked against the bytes left before it is used, so a damaged
 * state is refused, never read past its end nor allocated for.
 */
#include <math.h>

#include "ensemble_agg_state.h"

/* the fixed part: magic, p, text_target, n and params_len */
#define HEAD_BYTES 21

static uint32_t
GetU32(EnsAggReader *r)
{
	return ens_take_be32(r->data, &r->pos);
}

static uint64_t
GetU64(EnsAggReader *r)
{
	return ens_take_be64(r->data, &r->pos);
}

static double
GetF64(EnsAggReader *r)
{
	uint64_t	bits = GetU64(r);
	double		d;

	memcpy(&d, &bits, sizeof(d));
	return d;
}

/*
 * Whether intr asks to stop before item i of a pass over rows or entries:
 * asked before every piece of ENS_AGG_POLL_ROWS items.
 */
static bool
Stop(uint64_t i, EnsInterruptFn intr, void *intr_arg)
{
	return i % ENS_AGG_POLL_ROWS == 0 && intr != NULL && intr(intr_arg);
}

/* whether bytes more bytes are left */
static bool
Left(const EnsAggReader *r, uint64_t bytes)
{
	return bytes <= (uint64_t) (r->len - r->pos);
}

/* the bytes of the columns, targets and group ids */
static uint64_t
RowBytes(const EnsAggRows *rows)
{
	return ((uint64_t) rows->p + 1 + (rows->grouped ? 1 : 0)) * rows->n * sizeof(double);
}

void
ens_agg_reader_init(EnsAggReader *r, const uint8_t *data, size_t len)
{
	r->data = data;
	r->len = len;
	r->pos = 0;
	r->n_labels = 0;
	r->n_groups = 0;
}

bool
ens_agg_local_key(const uint8_t *data, size_t len, uint64_t *key)
{
	size_t		pos = 0;

	if (len != ENS_AGG_LOCAL_BYTES || ens_take_be32(data, &pos) != ENS_AGG_LOCAL_MAGIC)
		return false;
	*key = ens_take_be64(data, &pos);
	return true;
}

EnsStatus
ens_agg_read_header(EnsAggReader *r, EnsAggRows *rows)
{
	uint32_t	flag;
	int64_t		n;

	if (!Left(r, HEAD_BYTES))
		return ENS_ETRUNC;
	if (GetU32(r) != ENS_AGG_MAGIC)
		return ENS_ECORRUPT;
	rows->p = GetU32(r);
	flag = r->data[r->pos++];
	n = (int64_t) GetU64(r);
	if (rows->p < 1 || rows->p > ENS_MAX_FEATURES || flag > 3 || n < 0 || n > ENS_AGG_MAX_ROWS)
		return ENS_ECORRUPT;
	rows->text_target = (flag & 1) != 0;
	rows->grouped = (flag & 2) != 0;
	rows->n = (uint64_t) n;
	/* the fixed-size parts must fit in what is left */
	if (!Left(r, RowBytes(rows)))
		return ENS_ETRUNC;
	return ENS_OK;
}

/*
 * A dictionary's entries (u32 count { u32 len, bytes }) into d, each new;
 * *count gets their number.
 */
static EnsStatus
ReadDict(EnsAggReader *r, EnsDict *d, bool present, uint32_t *count, EnsInterruptFn intr,
		 void *intr_arg)
{
	uint32_t	i;

	if (!Left(r, 4))
		return ENS_ETRUNC;
	*count = GetU32(r);
	if (!present && *count != 0)
		return ENS_ECORRUPT;
	for (i = 0; i < *count; i++)
	{
		uint32_t	len;
		int64_t		id;

		if (Stop(i, intr, intr_arg))
			return ENS_EINTR;
		if (!Left(r, 4))
			return ENS_ETRUNC;
		len = GetU32(r);
		if (len > ENS_MAX_NAME)
			return ENS_ECORRUPT;
		if (!Left(r, len))
			return ENS_ETRUNC;
		id = ens_dict_add(d, (const char *) r->data + r->pos, len);
		r->pos += len;
		if (id < 0)
			return ENS_ENOMEM;
		if (id != (int64_t) i)
			return ENS_ECORRUPT;	/* an entry twice */
	}
	return ENS_OK;
}

EnsStatus
ens_agg_read_labels(EnsAggReader *r, EnsAggRows *rows, EnsInterruptFn intr, void *intr_arg)
{
	uint32_t	plen;
	EnsStatus	rc;

	if (!Left(r, 4))
		return ENS_ETRUNC;
	plen = GetU32(r);
	if (!Left(r, (uint64_t) plen))
		return ENS_ETRUNC;
	rows->params = (const char *) r->data + r->pos;
	rows->params_len = plen;
	r->pos += plen;
	if (memchr(rows->params, '\0', plen) != NULL)
		return ENS_ECORRUPT;
	rc = ReadDict(r, rows->labels, rows->text_target, &r->n_labels, intr, intr_arg);
	if (rc != ENS_OK || !rows->grouped)
		return rc;
	return ReadDict(r, rows->groups, true, &r->n_groups, intr, intr_arg);
}

EnsStatus
ens_agg_read_rows(EnsAggReader *r, const EnsAggRows *rows, EnsInterruptFn intr, void *intr_arg)
{
	uint64_t	i;
	uint32_t	f;

	if (!Left(r, RowBytes(rows)))
		return ENS_ETRUNC;
	for (f = 0; f < rows->p; f++)
		for (i = 0; i < rows->n; i++)
		{
			if (Stop(i, intr, intr_arg))
				return ENS_EINTR;
			rows->cols[f][i] = GetF64(r);
		}
	for (i = 0; i < rows->n; i++)
	{
		double		v;

		if (Stop(i, intr, intr_arg))
			return ENS_EINTR;
		v = GetF64(r);
		if (rows->text_target && !(v >= 0 && v < r->n_labels && v == floor(v)))
			return ENS_ECORRUPT;
		rows->y[i] = v;
	}
	for (i = 0; rows->grouped && i < rows->n; i++)
	{
		double		v;

		if (Stop(i, intr, intr_arg))
			return ENS_EINTR;
		v = GetF64(r);
		if (!(v >= 0 && v < r->n_groups && v == floor(v)))
			return ENS_ECORRUPT;
		rows->g[i] = v;
	}
	return ENS_OK;
}

/* ---------- writing ---------- */

static uint8_t *
PutU32(uint8_t *o, uint32_t v)
{
	o[0] = (uint8_t) (v >> 24);
	o[1] = (uint8_t) (v >> 16);
	o[2] = (uint8_t) (v >> 8);
	o[3] = (uint8_t) v;
	return o + 4;
}

static uint8_t *
PutU64(uint8_t *o, uint64_t v)
{
	return PutU32(PutU32(o, (uint32_t) (v >> 32)), (uint32_t) v);
}

static uint8_t *
PutF64(uint8_t *o, double d)
{
	uint64_t	bits;

	memcpy(&bits, &d, sizeof(bits));
	return PutU64(o, bits);
}

static uint32_t
NLabels(const EnsAggRows *rows)
{
	return rows->text_target ? ens_dict_size(rows->labels) : 0;
}

/* the bytes of a dictionary's entries (without their count) */
static uint64_t
DictBytes(const EnsDict *d, uint32_t nd)
{
	uint64_t	size = 0;
	uint32_t	i;

	for (i = 0; i < nd; i++)
	{
		uint32_t	len;

		(void) ens_dict_get(d, i, &len, NULL);
		size += 4 + (uint64_t) len;
	}
	return size;
}

/* a dictionary's entries (after their count) at *out, moving *out past them */
static EnsStatus
PutDict(uint8_t **out, const EnsDict *d, uint32_t nd, EnsInterruptFn intr, void *intr_arg)
{
	uint8_t    *o = PutU32(*out, nd);
	uint32_t	i;

	for (i = 0; i < nd; i++)
	{
		uint32_t	len;
		const char *s = ens_dict_get(d, i, &len, NULL);

		if (Stop(i, intr, intr_arg))
			return ENS_EINTR;
		o = PutU32(o, len);
		memcpy(o, s, len);
		o += len;
	}
	*out = o;
	return ENS_OK;
}

uint64_t
ens_agg_write_size(const EnsAggRows *rows)
{
	uint64_t	size = HEAD_BYTES + (uint64_t) rows->params_len + 4 + RowBytes(rows);

	size += DictBytes(rows->labels, NLabels(rows));
	if (rows->grouped)
		size += 4 + DictBytes(rows->groups, ens_dict_size(rows->groups));
	return size;
}

EnsStatus
ens_agg_write_rows(const EnsAggRows *rows, uint8_t *out, EnsInterruptFn intr, void *intr_arg)
{
	uint32_t	f;
	uint64_t	j;

	out = PutU32(out, ENS_AGG_MAGIC);
	out = PutU32(out, rows->p);
	*out++ = (rows->text_target ? 1 : 0) | (rows->grouped ? 2 : 0);
	out = PutU64(out, rows->n);
	out = PutU32(out, rows->params_len);
	if (rows->params_len > 0)
		memcpy(out, rows->params, rows->params_len);
	out += rows->params_len;
	if (PutDict(&out, rows->labels, NLabels(rows), intr, intr_arg) != ENS_OK ||
		(rows->grouped && PutDict(&out, rows->groups, ens_dict_size(rows->groups), intr,
								  intr_arg) != ENS_OK))
		return ENS_EINTR;
	for (f = 0; f < rows->p; f++)
		for (j = 0; j < rows->n; j++)
		{
			if (Stop(j, intr, intr_arg))
				return ENS_EINTR;
			out = PutF64(out, rows->cols[f][j]);
		}
	for (j = 0; j < rows->n; j++)
	{
		if (Stop(j, intr, intr_arg))
			return ENS_EINTR;
		out = PutF64(out, rows->y[j]);
	}
	for (j = 0; rows->grouped && j < rows->n; j++)
	{
		if (Stop(j, intr, intr_arg))
			return ENS_EINTR;
		out = PutF64(out, rows->g[j]);
	}
	return ENS_OK;
}
