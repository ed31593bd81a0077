/*
 * model_drift.c - drift(model_name, relation): how far a relation's rows
 * have moved from the model's training rows, per feature and for the
 * model's outputs.
 *
 * Population stability index (PSI) per feature, over the model's own bins
 * grouped into groups of about a tenth of the training rows, plus missing
 * values as a group of their own.  Numeric: neighbouring bins, cut where the
 * training mass passes the next tenth (at most 10 groups).  Categorical:
 * every category with at least 10% of the training rows is a group of its
 * own; the others, in code order, fill groups of at most 10% each (a new
 * group starts when the next category would take the open one past 10%; a
 * category is never split), so that a move among rare categories shows: with
 * them all in one group, rows all of one 4% category looked 'stable'.  Two
 * consecutive such groups hold more than 10% together, so there are at most
 * 19 groups of categories (b of at least 10% and p pooled: b + floor(p/2)
 * <= 9).  Categories without training rows (a profile from other rows) join
 * the open group.  A category the model never saw is scored as missing by
 * predict(), so it counts in the missing group here too, and the number of
 * distinct such values is reported.  Training binned the categories beyond
 * a full codebook's 255 most frequent as missing too (model_trainset.c):
 * for a feature where it did, a value outside the codebook counts as
 * missing then and now, and no count of unseen values is reported (the
 * model bytes do not name those rarer categories, so a new value cannot be
 * told from one of them).  Past ENS_MAX_UNSEEN_VALUES distinct unseen
 * values the count stops, and a NOTICE says so (UnseenNotice); a value
 * longer than ENS_MAX_NAME is missing, as training took it.  For the
 * outputs, PSI over the decile groups of the model's reference outputs (its
 * held-out rows at training, or its calibration rows), per class (two
 * classes: the second).
 *
 *   PSI = sum over groups of (now - then) * ln(now / then), shares floored
 *   at 1e-4 (groups empty on both sides are left out).
 *   verdict: PSI < 0.1 'stable', < 0.25 'watch', else 'shifted'
 *   (Siddiqi 2006; the usual credit-scoring bands).
 */
#include "postgres.h"

#include <math.h>

#include "funcapi.h"
#include "utils/builtins.h"

#include "model_call.h"
#include "model_outputs.h"

#define MAX_GROUPS 20			/* 19 of categories (10 of numeric values), missing */

typedef struct DriftArgs
{
	Oid			relid;
	ReturnSetInfo *rsinfo;
} DriftArgs;

static double
Psi(const uint64_t *then, uint64_t tn, const uint64_t *now, uint64_t nn, int groups)
{
	double		psi = 0;
	int			g;

	for (g = 0; g < groups; g++)
	{
		double		e,
					a;

		if (then[g] == 0 && now[g] == 0)
			continue;
		e = Max((double) then[g] / tn, 1e-4);
		a = Max((double) now[g] / nn, 1e-4);
		psi += (a - e) * log(a / e);
	}
	return psi;
}

static const char *
Verdict(double psi)
{
	return psi < 0.1 ? "stable" : psi < 0.25 ? "watch" : "shifted";
}

/* group of each bin of feature f (the missing bin last) */
static int
Groups(const EnsFeature *F, const uint32_t *hist, uint64_t present, int *group)
{
	uint32_t	b,
				nb = F->n_bins;
	int			g = 0;

	if (F->kind == ENS_CATEGORICAL)
	{
		int			pool = -1;	/* the open group of rare categories */
		uint64_t	pooled = 0;

		for (b = 0; b < nb; b++)
		{
			if (present > 0 && (uint64_t) hist[b] * 10 >= present)
				group[b] = g++;
			else
			{
				if (pool < 0 || (pooled + hist[b]) * 10 > present)
				{
					pool = g++;
					pooled = 0;
				}
				group[b] = pool;
				pooled += hist[b];
			}
			if (g > MAX_GROUPS - 1)
				elog(ERROR, "drift: more than %d groups of categories", MAX_GROUPS - 1);
		}
		group[nb] = MAX_GROUPS - 1;
		return MAX_GROUPS;
	}
	/* numeric: cut where the training mass passes the next tenth */
	{
		uint64_t	cum = 0;

		for (b = 0; b < nb; b++)
		{
			group[b] = g;
			cum += hist[b];
			if (present > 0 && g < 9 && cum * 10 >= (uint64_t) (g + 1) * present)
				g++;
		}
	}
	group[nb] = MAX_GROUPS - 1;
	return MAX_GROUPS;
}

/*
 * Did training bin categories of F outside its codebook as missing?  It
 * keeps the 255 most frequent of the training rows: with a full codebook
 * and training rows counted missing, some of them may have held rarer
 * categories.  (A codebook of exactly 255 categories with NULLs among its
 * training rows counts as such a feature too.)
 */
static bool
RareAsMissing(const EnsFeature *F, const uint32_t *hist)
{
	return F->kind == ENS_CATEGORICAL && F->n_bins == ENS_MAX_CATEGORIES &&
		hist[F->n_bins] > 0;
}

static void
PutRow(ReturnSetInfo *rsinfo, const char *kind, text *name, double psi, double miss_then,
	   double miss_now, int64 unseen, bool is_feature)
{
	Datum		v[7];
	bool		nl[7] = {false, false, false, !is_feature, !is_feature, unseen < 0, false};

	v[0] = CStringGetTextDatum(kind);
	v[1] = PointerGetDatum(name);
	v[2] = Float8GetDatum(psi);
	v[3] = Float8GetDatum(miss_then);
	v[4] = Float8GetDatum(miss_now);
	v[5] = Int64GetDatum(unseen);
	v[6] = CStringGetTextDatum(Verdict(psi));
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nl);
}

/*
 * unseen_categories of feature f is a count cut short past
 * ENS_MAX_UNSEEN_VALUES distinct values (model_heldout.c).  The row still
 * says the number counted, a lower bound; a NOTICE says so, as to_tsvector()
 * does of the words it skips.  The PSI counts every row of them as missing.
 */
static void
UnseenNotice(const char *name, const EnsFeature *F, const EnsHeldout *h, uint32_t f)
{
	if (!h->unseen_over[f])
		return;
	ereport(NOTICE,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("feature \"%.*s\" has more than %d distinct values model \"%s\" never saw",
					(int) F->name_len, F->name, ENS_MAX_UNSEEN_VALUES, name),
			 errdetail("drift() counts at most %d distinct unseen values of a feature.",
					   ENS_MAX_UNSEEN_VALUES),
			 errhint("unseen_categories is a lower bound; the PSI counts every row of these values as missing.")));
}

static void
FeatureRows(const char *name, const EnsModel *m, const EnsHeldout *h, ReturnSetInfo *rsinfo)
{
	const EnsExtras *x = m->ext;
	uint32_t	f,
				i,
				b;
	int		   *group = palloc(sizeof(int) * (ENS_MAX_BOOST_BINS + 1));
	uint64_t   *now = palloc(sizeof(uint64_t) * (ENS_MAX_BOOST_BINS + 1));

	for (f = 0; f < m->n_features; f++)
	{
		const EnsFeature *F = &m->features[f];
		const uint32_t *hist = x->hist + x->hist_off[f];
		uint64_t	then_g[MAX_GROUPS],
					now_g[MAX_GROUPS],
					total = 0;
		bool		rare = RareAsMissing(F, hist);
		int			ng,
					g;

		for (b = 0; b <= F->n_bins; b++)
			total += hist[b];
		ng = Groups(F, hist, total - hist[F->n_bins], group);
		memset(now, 0, sizeof(uint64_t) * (F->n_bins + 1));
		for (i = 0; i < h->n; i++)
		{
			uint32_t	bin = h->X[(size_t) i * h->p + f];

			now[bin >= F->n_bins ? F->n_bins : bin]++;
		}
		/*
		 * a boosted feature of ENS_MAX_BOOST_BINS bins codes a missing
		 * value 255, its last bin: the missing rows counted from the
		 * values move to the missing entry
		 */
		if (F->n_bins > ENS_MAX_BINS)
		{
			now[ENS_MISSING] -= h->missing_rows[f];
			now[F->n_bins] += h->missing_rows[f];
		}
		for (g = 0; g < ng; g++)
			then_g[g] = now_g[g] = 0;
		for (b = 0; b <= F->n_bins; b++)
		{
			then_g[group[b]] += hist[b];
			now_g[group[b]] += now[b];
		}
		PutRow(rsinfo, "feature", cstring_to_text_with_len(F->name, F->name_len),
			   Psi(then_g, total, now_g, h->n, ng), (double) hist[F->n_bins] / total,
			   (double) (now[F->n_bins] - (rare ? 0 : h->unseen_rows[f])) / h->n,
			   F->kind == ENS_CATEGORICAL && !rare ? (int64) h->unseen_values[f] : -1, true);
		if (F->kind == ENS_CATEGORICAL && !rare)
			UnseenNotice(name, F, h, f);
	}
}

static void
OutputRows(const EnsModel *m, const EnsHeldout *h, ReturnSetInfo *rsinfo)
{
	const EnsPredHist *ph = &m->ext->pred;
	uint32_t	kk = m->task == ENS_CLASSIFICATION ? m->n_classes : 1,
				k,
				i;
	double	   *out = ens_heldout_predict(m, h, false);

	for (k = kk == 2 ? 1 : 0; k < ph->n_out; k++)
	{
		uint32_t	ne = ph->off[k + 1] - ph->off[k],
					b;
		const uint32_t *cnt = ph->counts + ph->off[k] + k;
		uint64_t   *then_g = palloc(sizeof(uint64_t) * (ne + 1)),
				   *now_g = palloc0(sizeof(uint64_t) * (ne + 1)),
					total = 0;

		for (b = 0; b <= ne; b++)
			total += then_g[b] = cnt[b];
		for (i = 0; i < h->n; i++)
			now_g[ens_profile_bin(ph->edges + ph->off[k], ne, out[(size_t) i * kk + k])]++;
		PutRow(rsinfo, "prediction",
			   m->task == ENS_CLASSIFICATION ? ens_class_text(m, k) : cstring_to_text("value"),
			   Psi(then_g, total, now_g, h->n, (int) ne + 1), NAN, NAN, -1, false);
	}
}

static void
Drift(EnsRegModel *rm, void *arg)
{
	DriftArgs  *da = (DriftArgs *) arg;
	const EnsModel *m = rm->m;
	EnsHeldout	h;

	if (!m->ext || !m->ext->hist)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("model \"%s\" has no training histograms to compare with", rm->name),
				 errdetail("Models trained before edupredict 0.2.0 do not keep them."),
				 errhint("Retrain it, or add them from its training rows with edupredict.model_profile(%s, relation, version => %d), which writes a new version.",
						 quote_literal_cstr(rm->name), rm->slot->version)));
	ens_heldout_read(rm->name, rm->slot, m, da->relid, ENS_HELDOUT_DRIFT, &h);
	ens_heldout_require_rows(&h);
	FeatureRows(rm->name, m, &h, da->rsinfo);
	if (m->ext->pred.n_out)
		OutputRows(m, &h, da->rsinfo);
}

/* drift(model_name, relation, version) */
PG_FUNCTION_INFO_V1(model_drift);
Datum
model_drift(PG_FUNCTION_ARGS)
{
	DriftArgs	da;
	EnsRegModel rm;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return (Datum) 0;
	da.relid = PG_GETARG_OID(1);
	da.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ens_regmodel_get(&rm, PG_GETARG_TEXT_PP(0), ens_call_version_arg(fcinfo, 2));
	ens_regmodel_run(&rm, Drift, &da);
	return (Datum) 0;
}
