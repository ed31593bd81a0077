/*
 * forest_cvcal.c - a forest calibrated by cross-fitting (PG-free):
 * train_forest(calibration => ..., calibration_folds => k) and the
 * "calibration_folds" key of forest_agg, cross_validate and tune.
 *
 * The training rows are dealt to k folds (stratified, seeded; or the
 * caller's, whole groups with train_forest's group_by); forest f
 * grows n_trees trees on the rows outside fold f and predicts the rows of
 * fold f, which it never saw, and fold f's calibrator (isotonic or sigmoid,
 * one class against the rest, calibrate()'s code) is fitted on those
 * probabilities.  The k forests, k x n_trees trees, are the model, each
 * with the calibrator of its fold: a row's probability is the mean over
 * the folds of the fold's forest through its calibrator, as scikit-learn's
 * CalibratedClassifierCV(cv=k) averages its k calibrated copies, and the
 * trees' own probability (what explain() explains) is the mean of all
 * trees.  Every training row serves both the trees and a calibrator.
 *
 * The folds' forests share the training set's bin edges (the held-out
 * fold's feature values, never its labels, shape them, as they shape the
 * final model's).
 */
#include "ensemble.h"

#include <string.h>

#include "rng.h"

static size_t
Max2(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* A member forest: the model's header (features, classes), its own trees. */
static void
MemberInit(EnsModel *mf, const EnsModel *m)
{
	memset(mf, 0, sizeof(*mf));
	mf->task = m->task;
	mf->algorithm = m->algorithm;
	mf->n_features = m->n_features;
	mf->n_classes = m->n_classes;
	mf->features = m->features;
	mf->classes = m->classes;
	mf->class_len = m->class_len;
}

/*
 * The members' trees, in member order, as one forest in m: indices made
 * absolute (as forest_train appends a tree), importance the members' mean
 * (they have as many trees each).  No trainer covers: a member counted its
 * own rows, and the model's covers are over all training rows (the
 * training profile walks them, ens_trainset_profile).
 */
static EnsStatus
Concat(EnsModel *m, EnsModel *mf, uint32_t k, const EnsAlloc *al)
{
	uint64_t	nt = 0,
				nn = 0,
				nc = 0,
				nl = 0;
	uint32_t	f,
				i;

	for (f = 0; f < k; f++)
	{
		/* the walk finds fold f's trees at f T / k: every fold has as many */
		if (mf[f].n_trees != mf[0].n_trees)
			return ENS_EINVAL;
		nt += mf[f].n_trees;
		nn += mf[f].n_nodes;
		nc += mf[f].n_cats;
		nl += mf[f].n_leafv;
	}
	if (nt > ENS_MAX_TREES || nn > INT32_MAX || nl > INT32_MAX || nc > INT32_MAX)
		return ENS_ELIMIT;
	m->n_trees = (uint32_t) nt;
	m->nodes = al->alloc(al->ctx, sizeof(EnsNode) * (nn ? nn : 1));
	m->cats = al->alloc(al->ctx, sizeof(EnsCatSplit) * (nc ? nc : 1));
	m->leafv = al->alloc(al->ctx, sizeof(float) * (nl ? nl : 1));
	m->tree_node = al->alloc(al->ctx, sizeof(uint32_t) * (nt + 1));
	m->tree_cat = al->alloc(al->ctx, sizeof(uint32_t) * (nt + 1));
	m->tree_leaf = al->alloc(al->ctx, sizeof(uint32_t) * (nt + 1));
	m->importance = al->alloc(al->ctx, sizeof(double) * m->n_features);
	m->train_cover = NULL;
	if (!m->nodes || !m->cats || !m->leafv || !m->tree_node || !m->tree_cat ||
		!m->tree_leaf || !m->importance)
		return ENS_ENOMEM;
	memset(m->importance, 0, sizeof(double) * m->n_features);
	m->n_nodes = m->n_cats = m->n_leafv = 0;
	nt = 0;
	for (f = 0; f < k; f++)
	{
		const EnsModel *p = &mf[f];
		uint32_t	nb = m->n_nodes,
					cb = m->n_cats,
					lb = m->n_leafv,
					t;

		for (i = 0; i < p->n_nodes; i++)
		{
			EnsNode		nd = p->nodes[i];

			if (nd.flags & FN_LEAF)
			{
				if (m->task == ENS_CLASSIFICATION && !(nd.flags & FN_PURE))
					nd.a += lb;
			}
			else if (nd.flags & FN_CAT)
				nd.a += cb;
			else
				nd.a += nb;
			m->nodes[nb + i] = nd;
		}
		for (i = 0; i < p->n_cats; i++)
		{
			EnsCatSplit cs = p->cats[i];

			cs.child += nb;
			m->cats[cb + i] = cs;
		}
		if (p->n_leafv)			/* a forest of pure leaves has none */
			memcpy(m->leafv + lb, p->leafv, sizeof(float) * p->n_leafv);
		for (t = 0; t < p->n_trees; t++, nt++)
		{
			m->tree_node[nt] = nb + p->tree_node[t];
			m->tree_cat[nt] = cb + p->tree_cat[t];
			m->tree_leaf[nt] = lb + p->tree_leaf[t];
		}
		for (i = 0; i < m->n_features; i++)
			m->importance[i] += p->importance[i] / k;
		m->n_nodes += p->n_nodes;
		m->n_cats += p->n_cats;
		m->n_leafv += p->n_leafv;
	}
	m->tree_node[nt] = m->n_nodes;
	m->tree_cat[nt] = m->n_cats;
	m->tree_leaf[nt] = m->n_leafv;
	m->mem_bytes = (size_t) m->n_nodes * sizeof(EnsNode) +
		(size_t) m->n_cats * sizeof(EnsCatSplit) + (size_t) m->n_leafv * sizeof(float);
	return ENS_OK;
}

/* Give back what Concat took (on its own failure or a later one). */
static void
ConcatFree(EnsModel *m, const EnsAlloc *al)
{
	ens_model_free(m, al);
	m->n_trees = m->n_nodes = m->n_cats = m->n_leafv = 0;
}

/*
 * Fold f's calibrator on the out-of-fold probabilities proba (n x K, in
 * the order of the training rows) of its rows, each fold's into parts[f],
 * then all of them into m->ext (one set per fold).
 */
static EnsStatus
FitFolds(EnsModel *m, const EnsData *d, const uint32_t *fold_of, const double *proba, uint32_t n,
		 uint32_t k, int method, const EnsAlloc *al, EnsInterruptFn intr, void *intr_arg,
		 EnsError *err)
{
	uint32_t	K = m->n_classes,
				f,
				i,
				bad = UINT32_MAX,
				fold = 0;		/* the fold being fitted (messages count from 1) */
	double	   *raw = al->alloc(al->ctx, sizeof(double) * (size_t) n * K);
	uint32_t   *act = al->alloc(al->ctx, sizeof(uint32_t) * n);
	EnsExtras **parts = al->alloc(al->ctx, sizeof(EnsExtras *) * k);
	EnsExtras  *x = NULL;
	bool		only = false;
	EnsStatus	rc = ENS_OK;

	/* zeroed first: the cleanup frees every part that was made */
	if (parts)
		memset(parts, 0, sizeof(EnsExtras *) * k);
	if (!raw || !act || !parts)
		rc = ENS_ENOMEM;
	for (f = 0; f < k && rc == ENS_OK; f++)
	{
		uint32_t	nf = 0;

		fold = f;

		for (i = 0; i < n; i++)
			if (fold_of[i] == f)
			{
				memcpy(raw + (size_t) nf * K, proba + (size_t) i * K, sizeof(double) * K);
				act[nf++] = d->cls[d->rows ? d->rows[i] : i];
			}
		parts[f] = ens_ext_new(al);
		if (parts[f] == NULL)
			rc = ENS_ENOMEM;
		else
			rc = ens_calib_fit(parts[f], m, nf, raw, act, method, al, intr, intr_arg, &bad, &only);
	}
	if (rc == ENS_EINVAL && bad != UINT32_MAX)
		/* the class by its position (from 1) among the model's, never its label */
		ens_error_set(err, rc, only ? ENS_ERR_CVCAL_ONE_CLASS : ENS_ERR_CVCAL_MISSING_CLASS,
					  fold + 1, (int64_t) bad + 1, m->n_classes);
	else if (rc == ENS_ELIMIT)
		ens_error_set(err, rc, ENS_ERR_CVCAL_KNOTS, ENS_MAX_KNOTS, 0, 0);
	if (rc == ENS_OK)
	{
		x = ens_ext_new(al);
		rc = x == NULL ? ENS_ENOMEM : ens_calib_join(x, parts, k, al);
	}
	if (rc == ENS_OK)
		m->ext = x;
	else if (x)
		ens_ext_free(x, al);
	if (parts)
	{
		for (f = 0; f < k; f++)
			if (parts[f])
				ens_ext_free(parts[f], al);
		al->free(al->ctx, parts);
	}
	if (raw)
		al->free(al->ctx, raw);
	if (act)
		al->free(al->ctx, act);
	return rc;
}

/*
 * Train m (task, features, classes set; no trees) as k = P->calibration_folds
 * forests of P->n_trees trees, each with a calibrator fitted on its fold's
 * probabilities.  train grows one forest (with the caller's threads and
 * interrupt handling).  On ENS_EINVAL and ENS_ELIMIT, err (may be NULL)
 * says why; on any failure m has no trees.  P->calibration_rows gets the rows.
 */
EnsStatus
forest_cv_calibrate(EnsModel *m, const EnsData *d, ForestParams *P, const EnsAlloc *al,
					ForestTrainFn train, void *train_arg, EnsInterruptFn intr, void *intr_arg,
					size_t *peak, EnsError *err)
{
	uint32_t	k = P->calibration_folds,
				K = m->n_classes,
				n = d->rows ? d->n_use : d->n_rows,
				f,
				i;
	EnsModel   *mf = NULL;
	uint32_t   *fold_of = NULL;
	uint32_t   *use = NULL;
	double	   *oof = NULL;
	ForestParams Pf = *P;
	EnsData		df = *d;
	EpRng		rng;
	EnsStatus	rc;
	size_t		pk,
				worst = 0,
				kept = 0;

	ens_error_clear(err);
	if (k < 2 || k > ENS_MAX_CAL_FOLDS || m->task != ENS_CLASSIFICATION || d->cls == NULL ||
		K < 2 || P->calibration == ENS_CAL_NONE)
		return ENS_EINVAL;
	if (n < k)
		return ens_error_set(err, ENS_EINVAL, ENS_ERR_CVCAL_FEW_ROWS, k, n, 0);
	if ((uint64_t) k * (uint64_t) P->n_trees > ENS_MAX_TREES)
		return ens_error_set(err, ENS_ELIMIT, ENS_ERR_CVCAL_TREES, k, P->n_trees, ENS_MAX_TREES);
	mf = al->alloc(al->ctx, sizeof(EnsModel) * k);
	/* before anything can fail: the cleanup frees every member */
	for (f = 0; mf && f < k; f++)
		MemberInit(&mf[f], m);
	fold_of = al->alloc(al->ctx, sizeof(uint32_t) * n);
	use = al->alloc(al->ctx, sizeof(uint32_t) * n);
	oof = al->alloc(al->ctx, sizeof(double) * (size_t) n * K);
	if (!mf || !fold_of || !use || !oof)
	{
		rc = ENS_ENOMEM;
		goto done;
	}
	/*
	 * the caller's folds (whole groups), else stratified and seeded, as
	 * cross_validate's folds (its own stream of the seed)
	 */
	rc = ENS_OK;
	if (P->calibration_fold_of)
	{
		for (i = 0; i < n; i++)
			if ((fold_of[i] = P->calibration_fold_of[i]) >= k)
				rc = ENS_EINVAL;
	}
	else
	{
		ep_rng_seed(&rng, P->seed, UINT64_C(0xCA11B7A7E));
		rc = ens_stratified_folds(d->cls, d->rows, n, K, k, &rng, al, intr, intr_arg, fold_of);
	}
	Pf.calibration = ENS_CAL_NONE;
	Pf.calibration_folds = 0;
	df.out_rows = NULL;
	df.n_out = 0;
	for (f = 0; f < k && rc == ENS_OK; f++)
	{
		uint32_t	nu = 0;

		for (i = 0; i < n; i++)
			if (fold_of[i] != f)
				use[nu++] = d->rows ? d->rows[i] : i;
		df.rows = use;
		df.n_use = nu;
		/* each fold's forest its own random streams: members of one ensemble */
		Pf.seed = P->seed + f;
		pk = 0;
		rc = train(&mf[f], &df, &Pf, al, &pk, train_arg);
		/* a fold's training scratch beside the forests already grown */
		worst = kept + pk > worst ? kept + pk : worst;
		kept += mf[f].mem_bytes;
		if (rc != ENS_OK)
			break;
		for (i = 0; i < n; i++)
		{
			uint32_t	row = d->rows ? d->rows[i] : i;

			if (fold_of[i] != f)
				continue;
			if (intr && (i & 1023) == 0 && intr(intr_arg))
			{
				rc = ENS_EINTR;
				break;
			}
			ens_predict_raw(&mf[f], d->X + (size_t) row * d->n_features, oof + (size_t) i * K);
		}
	}
	P->n_threads = Pf.n_threads;
	if (rc != ENS_OK)
		goto done;
	rc = Concat(m, mf, k, al);
	if (rc == ENS_OK)
		rc = FitFolds(m, d, fold_of, oof, n, k, P->calibration, al, intr, intr_arg, err);
	if (rc == ENS_OK)
		P->calibration_rows = n;
	else
		ConcatFree(m, al);

done:
	if (mf)
	{
		for (f = 0; f < k; f++)
			ens_model_free(&mf[f], al);
		al->free(al->ctx, mf);
	}
	if (fold_of)
		al->free(al->ctx, fold_of);
	if (use)
		al->free(al->ctx, use);
	if (oof)
		al->free(al->ctx, oof);
	/* the folds' forests are all held while the model is put together */
	if (peak)
		*peak = Max2(worst, kept + (rc == ENS_OK ? m->mem_bytes : 0));
	return rc;
}
