/*
 * ensemble_trees_state.c - the framing of forest_agg_trees's partial state
 * (format in ensemble_trees_state.h), without PostgreSQL.
 *
 * Any role hands these bytes to forest_agg_trees's combine and final
 * functions: every length and count is checked against the bytes left
 * before it is used, so a damaged state is refused with its reason, never
 * read past its end nor allocated for.
 */
#include "ensemble_agg_state.h"
#include "ensemble_trees_state.h"

/*
 * Shorter is "not one", as the server has always said; the smallest state
 * is 24 bytes (12 fixed, three counts), so 21 to 23 bytes "end early".
 */
#define MIN_BYTES 21

static size_t
Left(const EnsTreesReader *r)
{
	return r->len - r->pos;
}

/* len bytes of text at the reader's place (known to be there); whether no NUL is among them */
static bool
Text(EnsTreesReader *r, uint32_t len, const char **text)
{
	*text = (const char *) r->data + r->pos;
	r->pos += len;
	return memchr(*text, '\0', len) == NULL;
}

/* a u32 length or count, of items of unit bytes each that must fit in what is left after it */
static EnsTreesWhy
Count(EnsTreesReader *r, uint64_t unit, uint32_t *n, EnsTreesWhy too_many)
{
	if (Left(r) < 4)
		return ENS_TREES_ENDS_EARLY;
	*n = ens_take_be32(r->data, &r->pos);
	if ((uint64_t) *n * unit > (uint64_t) Left(r))
		return too_many;
	return ENS_TREES_OK;
}

void
ens_trees_reader_init(EnsTreesReader *r, const uint8_t *data, size_t len)
{
	r->data = data;
	r->len = len;
	r->pos = 0;
}

EnsTreesWhy
ens_trees_read_head(EnsTreesReader *r, EnsTreesHead *h)
{
	uint8_t		flag;
	EnsTreesWhy why;

	if (r->len < MIN_BYTES || ens_take_be32(r->data, &r->pos) != ENS_TREES_MAGIC)
		return ENS_TREES_NOT_ONE;
	if (r->data[r->pos++] != ENS_TREES_VERSION)
		return ENS_TREES_VERSION_UNKNOWN;
	flag = r->data[r->pos++];
	h->text_target = flag == 1;
	h->task = r->data[r->pos++];
	if (flag > 1 || r->data[r->pos++] != 0)
		return ENS_TREES_FLAGS;
	h->p = ens_take_be32(r->data, &r->pos);
	if (h->p < 1 || h->p > ENS_MAX_FEATURES ||
		(h->task != ENS_CLASSIFICATION && h->task != ENS_REGRESSION) ||
		(h->text_target && h->task != ENS_CLASSIFICATION))
		return ENS_TREES_SHAPE;
	if ((why = Count(r, 1, &h->params_len, ENS_TREES_PARAMS_PAST_END)) != ENS_TREES_OK)
		return why;
	return Text(r, h->params_len, &h->params) ? ENS_TREES_OK : ENS_TREES_PARAMS_NUL;
}

EnsTreesWhy
ens_trees_read_n_forests(EnsTreesReader *r, uint32_t *n)
{
	/* a forest takes 8 bytes at least: its two lengths */
	EnsTreesWhy why = Count(r, 8, n, ENS_TREES_FORESTS_MANY);

	if (why == ENS_TREES_OK && *n > ENS_MAX_TREES)
		return ENS_TREES_FORESTS_MANY;
	return why;
}

EnsTreesWhy
ens_trees_read_forest(EnsTreesReader *r, EnsTreesForest *f)
{
	EnsTreesWhy why;

	if (Left(r) < 4)
		return ENS_TREES_ENDS_EARLY;
	f->len = ens_take_be32(r->data, &r->pos);
	if (f->len < 1 || f->len > ENS_TREES_MAX_FOREST)
		return ENS_TREES_FOREST_LARGE;
	if ((why = Count(r, 1, &f->packed, ENS_TREES_FOREST_PAST_END)) != ENS_TREES_OK)
		return why;
	/* the caller allocates len bytes: no more than the stored bytes can hold */
	if (f->packed == 0 ? f->len > Left(r) :
		(uint64_t) f->len > (uint64_t) f->packed * ENS_TREES_MAX_EXPANSION)
		return ENS_TREES_FOREST_PAST_END;
	f->bytes = r->data + r->pos;
	r->pos += f->packed == 0 ? f->len : f->packed;
	return ENS_TREES_OK;
}

EnsTreesWhy
ens_trees_read_n_consts(EnsTreesReader *r, uint32_t *n)
{
	/* a constant part takes 20 bytes at least: rows, value and the class's length */
	return Count(r, 20, n, ENS_TREES_CONSTS_MANY);
}

EnsTreesWhy
ens_trees_read_const(EnsTreesReader *r, EnsTreesConst *c)
{
	uint64_t	bits;
	int64_t		rows;
	EnsTreesWhy why;

	if (Left(r) < 8)
		return ENS_TREES_ENDS_EARLY;
	rows = (int64_t) ens_take_be64(r->data, &r->pos);
	if (Left(r) < 8)
		return ENS_TREES_ENDS_EARLY;
	bits = ens_take_be64(r->data, &r->pos);
	memcpy(&c->value, &bits, sizeof(bits));
	if ((why = Count(r, 1, &c->label_len, ENS_TREES_CLASS_PAST_END)) != ENS_TREES_OK)
		return why;
	if (rows < 1 || rows > (int64_t) ENS_MAX_ROWS || c->label_len > ENS_MAX_NAME)
		return ENS_TREES_CONST_BAD;
	c->rows = (uint64_t) rows;
	return Text(r, c->label_len, &c->label) ? ENS_TREES_OK : ENS_TREES_CLASS_NUL;
}

size_t
ens_trees_rows_left(const EnsTreesReader *r)
{
	return Left(r);
}

EnsTreesWhy
ens_trees_rows_fit(const EnsTreesHead *h, uint32_t p, bool text_target,
				   const char *params, size_t params_len, uint64_t n)
{
	if (n == 0 || p != h->p || text_target != h->text_target || params_len != h->params_len ||
		memcmp(params, h->params, params_len) != 0)
		return ENS_TREES_ROWS_MISFIT;
	return ENS_TREES_OK;
}

EnsTreesWhy
ens_trees_read_end(EnsTreesReader *r, size_t used)
{
	if (used > Left(r))
		return ENS_TREES_ROWS_MISFIT;	/* rows the caller read beyond the state: not from this reader */
	r->pos += used;
	return r->pos == r->len ? ENS_TREES_OK : ENS_TREES_TRAILING;
}

const char *
ens_trees_why_text(EnsTreesWhy why)
{
#define WHY_TEXT(id, text) \
	case id: \
		return text;

	switch (why)
	{
		case ENS_TREES_OK:
			return "no error";
			ENS_TREES_WHYS(WHY_TEXT)
		case ENS_TREES_WHY_COUNT:
			break;
	}
#undef WHY_TEXT
	return "unknown reason";
}
