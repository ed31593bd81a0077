/*
 * boost_loss.c - objectives of the boosting engine (PG-free): the initial
 * margins, the per-row gradients and hessians in fixed point, and the
 * validation metric.
 *
 *   logistic  p = 1/(1+e^-F), g = p - y, h = p(1-p)            (log loss)
 *   (probabilities for gradients in single precision, as XGBoost: far
 *   finer than the fixed point below, and twice as fast)
 *   softmax   p_k = softmax(F)_k, g_k = p_k - [y=k],
 *             h_k = 2 p_k (1-p_k) (XGBoost's multi:softprob)  (multi log loss)
 *   squared   g = F - y, h = 1                                 (RMSE)
 *   absolute  g = sign(F - y), h = 1; leaves refitted to the median
 *             residual (XGBoost's and LightGBM's L1 trees)    (MAE)
 *   Huber     g = clamp(F - y, -delta, delta), h = 1 (LightGBM)
 *             (mean Huber loss with the same delta: d^2/2 for |d| <= delta,
 *             else delta (|d| - delta/2); LightGBM's "huber")
 *
 * The validation metric (in brackets) is the loss trained, as LightGBM's
 * metric defaults to its objective.  Class weights multiply g and h, and
 * the validation log loss is their weighted mean (sum w l / sum w), as
 * scikit-learn's HistGradientBoosting scores early stopping.
 *
 * Initial margins: the log odds of the (weighted) training classes
 * (logistic), the mean (squared), the median (absolute, Huber), so the
 * first tree starts from the best constant; softmax starts from equal
 * margins, as XGBoost and LightGBM do.
 *
 * Fixed point: output k's gradients are scaled by sg[k] = 2^30 / (a bound
 * on |g| this round) and hessians by sh[k] = 2^30 / (a bound on h), then
 * rounded, so |g|, h <= 2^30 (see boost_int.h).
 */
#include "boost_int.h"

#include <math.h>
#include <string.h>

#define GRAD_CHUNK	BOOST_BIG_PIECE_ROWS
#define HESS_MIN	1e-16		/* keeps a leaf's curvature positive */
#define PRIOR_MIN	1e-6

/* ---------- median (quickselect, deterministic pivots) ---------- */

static double
Select(double *v, uint32_t n, uint32_t k)
{
	int64_t		lo = 0,
				hi = (int64_t) n - 1;

	while (lo < hi)
	{
		int64_t		i = lo,
					j = hi;
		double		a = v[lo],
					b = v[lo + (hi - lo) / 2],
					c = v[hi],
					piv;

		/* median of three: a value of the range, so the scans stay inside it */
		piv = (a < b) ? ((b < c) ? b : (a < c ? c : a)) : ((a < c) ? a : (b < c ? c : b));
		while (i <= j)
		{
			while (v[i] < piv)
				i++;
			while (v[j] > piv)
				j--;
			if (i <= j)
			{
				double		t = v[i];

				v[i++] = v[j];
				v[j--] = t;
			}
		}
		/* [lo, j] <= piv <= [i, hi]; between them every value equals piv */
		if ((int64_t) k <= j)
			hi = j;
		else if ((int64_t) k >= i)
			lo = i;
		else
			return v[k];
	}
	return v[k];
}

/* Median of v[0..n) (n >= 1; v is reordered): the mean of the middle two if n is even. */
EnsStatus
boost_median(Booster *b, double *v, uint32_t n, double *out)
{
	double		hi;
	uint32_t	i;

	(void) b;
	hi = Select(v, n, n / 2);
	if (n % 2 == 0)
	{
		/* the lower middle value is the largest of v[0 .. n/2) */
		double		lo = v[0];

		for (i = 1; i < n / 2; i++)
			if (v[i] > lo)
				lo = v[i];
		*out = lo + (hi - lo) / 2;
	}
	else
		*out = hi;
	return ENS_OK;
}

/* ---------- initial margins ---------- */

EnsStatus
boost_base_score(Booster *b, double *base)
{
	uint32_t	i,
				k;

	if (b->obj == ENS_OBJ_SOFTMAX)
	{
		/* equal margins: the first rounds learn the priors (XGBoost, LightGBM) */
		for (k = 0; k < b->K; k++)
			base[k] = 0.0;
		return ENS_OK;
	}
	if (b->obj == ENS_OBJ_LOGISTIC)
	{
		double		w1 = 0,
					tot = 0,
					q;

		for (i = 0; i < b->n; i++)
		{
			tot += b->cw[b->cls[i]];
			if (b->cls[i] == 1)
				w1 += b->cw[1];
		}
		q = tot > 0 ? w1 / tot : 0.5;
		q = q < PRIOR_MIN ? PRIOR_MIN : (q > 1 - PRIOR_MIN ? 1 - PRIOR_MIN : q);
		base[0] = log(q / (1 - q));
		return ENS_OK;
	}
	if (b->obj == ENS_OBJ_SQUARED)
	{
		double		s = 0;

		for (i = 0; i < b->n; i++)
			s += b->y[i];
		base[0] = s / b->n;
		return ENS_OK;
	}
	memcpy(b->resid, b->y, (size_t) b->n * sizeof(double));
	return boost_median(b, b->resid, b->n, &base[0]);
}

/* ---------- gradients ---------- */

typedef struct GradJob
{
	Booster    *b;
	double	   *chunk_max;		/* squared error: max |F - y| per chunk */
} GradJob;

/* nearest integer, halves away from 0 (|x| <= 2^30; inline, unlike lrint) */
static inline int32_t
Fix(double x)
{
	return (int32_t) (x + copysign(0.5, x));
}

static inline void
Put(BoostGH *gh, double g, double h, double sg, double sh)
{
	gh->g = Fix(g * sg);
	gh->h = Fix(h * sh);
}

static void
MaxResidTask(void *ctx, int t, uint32_t c)
{
	GradJob    *j = (GradJob *) ctx;
	Booster    *b = j->b;
	uint32_t	st = c * GRAD_CHUNK,
				en = b->n_sample - st < GRAD_CHUNK ? b->n_sample : st + GRAD_CHUNK,
				i;
	double		mx = 0;

	(void) t;
	for (i = st; i < en; i++)
	{
		uint32_t	r = b->sample[i];
		double		a = fabs(b->margin[r] - b->y[r]);

		if (a > mx)
			mx = a;
	}
	j->chunk_max[c] = mx;
}

static void
LogisticRows(Booster *b, uint32_t st, uint32_t en)
{
	const double sg = b->sg[0],
				sh = b->sh[0];
	uint32_t	i;

	for (i = st; i < en; i++)
	{
		uint32_t	r = b->sample[i];
		double		w = b->cw[b->cls[r]],
					q = 1.0f / (1.0f + expf((float) -b->margin[r])),
					h = q * (1.0 - q);

		Put(&b->gh[r], (q - (b->cls[r] == 1)) * w, (h > HESS_MIN ? h : HESS_MIN) * w, sg, sh);
	}
}

typedef int32_t V4i __attribute__((vector_size(16)));

/* exponentials of a block of softmax rows: its rows x K floats */
#define SOFTMAX_EXPS	(4 * ENS_MAX_CLASSES)
#define SOFTMAX_ROWS	64

/*
 * Softmax gradients of rows r[0..3] from their exponentials, class k's at
 * e[k * stride + 0..3], lane by lane the operations of one row; the
 * divisions of four rows run side by side.
 */
static inline __attribute__((always_inline)) void
SoftmaxQuad(Booster *b, const uint32_t *r, const float *e, uint32_t stride)
{
	uint32_t	K = b->K,
				n = b->n,
				j,
				k;
	V4d			s = {0, 0, 0, 0},
				w;
	const V4d	one = {1, 1, 1, 1},
				two = {2, 2, 2, 2},
				hmin = {HESS_MIN, HESS_MIN, HESS_MIN, HESS_MIN},
				half = {0.5, 0.5, 0.5, 0.5};
	const V4l	sign = {INT64_MIN, INT64_MIN, INT64_MIN, INT64_MIN};
	/* locals: the stores into gh (int32) may alias r and cls for the compiler */
	const uint32_t ro[4] = {r[0], r[1], r[2], r[3]};
	const V4l	cls = {b->cls[ro[0]], b->cls[ro[1]], b->cls[ro[2]], b->cls[ro[3]]};

	for (j = 0; j < 4; j++)
		w[j] = b->cw[cls[j]];
	for (k = 0; k < K; k++)
	{
		const float *ek = e + (size_t) k * stride;

		s += (V4d) {ek[0], ek[1], ek[2], ek[3]};
	}
	for (k = 0; k < K; k++)
	{
		const float *ek = e + (size_t) k * stride;
		V4d			q = (V4d) {ek[0], ek[1], ek[2], ek[3]} / s,
					h = two * q * (one - q),
					y,
					g,
					hh;
		V4l			big = h > hmin;
		V4i			ig,
					ih;
		const V4d	sg = {b->sg[k], b->sg[k], b->sg[k], b->sg[k]},
					sh = {b->sh[k], b->sh[k], b->sh[k], b->sh[k]};
		BoostGH    *gh = b->gh + (size_t) k * n;

		/* 1 where the row's class is k */
		y = (V4d) ((cls == (V4l) {k, k, k, k}) & (V4l) one);
		g = (q - y) * w * sg;
		hh = (V4d) ((big & (V4l) h) | (~big & (V4l) hmin)) * w * sh;
		/* Fix: x + copysign(0.5, x), truncated */
		ig = __builtin_convertvector(g + (V4d) (((V4l) g & sign) | (V4l) half), V4i);
		ih = __builtin_convertvector(hh + (V4d) (((V4l) hh & sign) | (V4l) half), V4i);
		for (j = 0; j < 4; j++)
		{
			gh[ro[j]].g = ig[j];
			gh[ro[j]].h = ih[j];
		}
	}
}

/*
 * Softmax gradients of rows r[0..nr) (nr a multiple of 4, nr x K at most
 * SOFTMAX_EXPS): every row's exponentials first, then the arithmetic four
 * rows at a time.  Apart, the expf calls keep no vector registers live
 * and the fours read exponentials stored long before (interleaved, each
 * call spilled the vector state and each four waited for its stores).
 */
BOOST_CLONES
static void
SoftmaxBlock(Booster *b, const uint32_t *r, uint32_t nr)
{
	float		e[SOFTMAX_EXPS];	/* class k of row j at e[k * nr + j] */
	uint32_t	K = b->K,
				j,
				i;

	for (j = 0; j < nr; j++)
	{
		const double *F = b->margin + (size_t) r[j] * K;
		double		mx = F[0];
		uint32_t	top = 0,
					k;

		/* the first largest margin, without a branch (which class wins is data) */
		for (k = 1; k < K; k++)
		{
			bool		gt = F[k] > mx;

			top = gt ? k : top;
			mx = gt ? F[k] : mx;
		}
		/* the largest is expf(0) = 1 exactly: K - 1 calls, skipping it with no branch */
		e[(size_t) top * nr + j] = 1.0f;
		for (i = 0; i + 1 < K; i++)
		{
			k = i + (i >= top);
			e[(size_t) k * nr + j] = expf((float) (F[k] - mx));
		}
	}
	for (j = 0; j < nr; j += 4)
		SoftmaxQuad(b, r + j, e + j, nr);
}

static void
SoftmaxRows(Booster *b, uint32_t st, uint32_t en)
{
	uint32_t	rows = SOFTMAX_EXPS / b->K,
				i = st,
				last[4],
				j;

	rows = (rows < SOFTMAX_ROWS ? rows : SOFTMAX_ROWS) & ~3u;
	for (; i + rows <= en; i += rows)
		SoftmaxBlock(b, b->sample + i, rows);
	if (en - i >= 4)
	{
		SoftmaxBlock(b, b->sample + i, (en - i) & ~3u);
		i += (en - i) & ~3u;
	}
	if (i == en)
		return;
	/* the last rows, the last one repeated: it gets the same values twice */
	for (j = 0; j < 4; j++)
		last[j] = b->sample[i + j < en ? i + j : en - 1];
	SoftmaxBlock(b, last, 4);
}

/* squared, absolute and Huber: g from the residual d = F - y (h = 1) */
static inline double
Residual(int obj, double dl, double d)
{
	if (obj == ENS_OBJ_ABSOLUTE)
		return d > 0 ? 1.0 : (d < 0 ? -1.0 : 0.0);
	if (obj == ENS_OBJ_HUBER)
		return d > dl ? dl : (d < -dl ? -dl : d);
	return d;
}

static void
ResidualRows(Booster *b, uint32_t st, uint32_t en)
{
	const double sg = b->sg[0],
				sh = b->sh[0],
				dl = b->P->huber_delta;
	const int	obj = b->obj;
	uint32_t	i;

	for (i = st; i < en; i++)
	{
		uint32_t	r = b->sample[i];

		Put(&b->gh[r], Residual(obj, dl, b->margin[r] - b->y[r]), 1.0, sg, sh);
	}
}

/* ResidualRows for packed histograms: g * 2^pbits + 1 (the row's count) */
static void
PackedResidualRows(Booster *b, uint32_t st, uint32_t en)
{
	const double sg = b->sg[0],
				dl = b->P->huber_delta;
	const int	obj = b->obj;
	const int64_t one = (int64_t) 1 << b->pbits;
	uint32_t	i;

	for (i = st; i < en; i++)
	{
		uint32_t	r = b->sample[i];

		b->gp[r] = (int64_t) Fix(Residual(obj, dl, b->margin[r] - b->y[r]) * sg) * one + 1;
	}
}

static void
GradTask(void *ctx, int t, uint32_t c)
{
	GradJob    *j = (GradJob *) ctx;
	Booster    *b = j->b;
	uint32_t	st = c * GRAD_CHUNK,
				en = b->n_sample - st < GRAD_CHUNK ? b->n_sample : st + GRAD_CHUNK;

	(void) t;
	if (b->obj == ENS_OBJ_LOGISTIC)
		LogisticRows(b, st, en);
	else if (b->obj == ENS_OBJ_SOFTMAX)
		SoftmaxRows(b, st, en);
	else if (b->packed)
		PackedResidualRows(b, st, en);
	else
		ResidualRows(b, st, en);
}

/* Gradients of the sampled rows at the current margins, with this round's scales. */
EnsStatus
boost_gradients(Booster *b)
{
	GradJob		j;
	uint32_t	nc = (b->n_sample + GRAD_CHUNK - 1) / GRAD_CHUNK,
				k,
				c;
	double		gmax,
				hmax;
	EnsStatus	rc;

	j.b = b;
	j.chunk_max = b->chunk_sum;
	switch (b->obj)
	{
		case ENS_OBJ_LOGISTIC:
			gmax = b->wmax;
			hmax = 0.25 * b->wmax;
			break;
		case ENS_OBJ_SOFTMAX:
			gmax = b->wmax;
			hmax = 0.5 * b->wmax;
			break;
		case ENS_OBJ_SQUARED:
			rc = ens_pool_run(b->pool, MaxResidTask, &j, nc, b->intr, b->intr_arg);
			if (rc != ENS_OK)
				return rc;
			gmax = 0;
			for (c = 0; c < nc; c++)
				if (j.chunk_max[c] > gmax)
					gmax = j.chunk_max[c];
			hmax = 1;
			break;
		case ENS_OBJ_HUBER:
			gmax = b->P->huber_delta;
			hmax = 1;
			break;
		default:
			gmax = hmax = 1;
	}
	if (!(gmax > 0) || !isfinite(gmax))
		gmax = 1;
	for (k = 0; k < b->K; k++)
	{
		b->sg[k] = (b->packed ? b->pscale : BOOST_FIX_ONE) / gmax;
		b->sh[k] = BOOST_FIX_ONE / hmax;
	}
	/* packed: a row's hessian, 1, as Put rounds it */
	b->hunit = b->packed ? Fix(b->sh[0]) : 0;
	return ens_pool_run(b->pool, GradTask, &j, nc, b->intr, b->intr_arg);
}

/* ---------- validation metric ---------- */

/*
 * A row's contribution to the metric sum (see boost_metric_finish): its loss
 * under the objective trained, times its class weight.
 */
double
boost_row_loss(const Booster *b, const double *F, uint32_t cls, double y)
{
	double		q;

	switch (b->obj)
	{
		case ENS_OBJ_LOGISTIC:
			q = 1.0 / (1.0 + exp(-F[0]));
			if (cls != 1)
				q = 1.0 - q;
			break;
		case ENS_OBJ_SOFTMAX:
			{
				double		mx = F[0],
							s = 0;
				uint32_t	k;

				for (k = 1; k < b->K; k++)
					if (F[k] > mx)
						mx = F[k];
				for (k = 0; k < b->K; k++)
					s += exp(F[k] - mx);
				q = exp(F[cls] - mx) / s;
				break;
			}
		case ENS_OBJ_SQUARED:
			return (F[0] - y) * (F[0] - y);
		case ENS_OBJ_HUBER:
			{
				double		d = fabs(F[0] - y),
							dl = b->P->huber_delta;

				/* LightGBM's huber metric */
				return d <= dl ? 0.5 * d * d : dl * (d - 0.5 * dl);
			}
		default:
			return fabs(F[0] - y);
	}
	/* log loss with probabilities clipped as ens_cls_metrics does */
	q = -log(q > ENS_LOG_LOSS_EPS ? q : ENS_LOG_LOSS_EPS);
	/* weighted as the gradients are (boost_metric_finish divides by the weights) */
	return ens_class_weighted(&b->P->class_weight) ? b->cw[cls] * q : q;
}

const char *
boost_metric_name(int obj)
{
	switch (obj)
	{
		case ENS_OBJ_LOGISTIC:
			return "logloss";
		case ENS_OBJ_SOFTMAX:
			return "mlogloss";
		case ENS_OBJ_SQUARED:
			return "rmse";
		case ENS_OBJ_HUBER:
			return "huber";
		default:
			return "mae";
	}
}

/*
 * The metric from the rows' summed losses and weights (the row count, or
 * with class weights the validation rows' weights summed): the weighted mean
 * loss, its square root for RMSE.
 */
double
boost_metric_finish(int obj, double sum, double wsum)
{
	double		mean = wsum > 0 ? sum / wsum : 0;

	return obj == ENS_OBJ_SQUARED ? sqrt(mean) : mean;
}
