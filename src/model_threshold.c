/*
 * model_threshold.c - decision thresholds: choose_threshold(model_name,
 * relation, class, rule) picks one on the relation's rows and writes it
 * with the trees as a new version; predict(model_name, row, version,
 * threshold) and predict_label(model_name, row) label rows by a threshold.
 *
 * A threshold t for class c labels a row c when its probability of c (as
 * predict_proba() returns it, calibrated when the version has a
 * calibrator) is at least t, else the most probable other class.  Rules:
 *   'prior'           t = the class's share of the training rows (the edX
 *                     attrition study's cut-off: flag above the base rate)
 *   'max_f1'          the threshold with the highest F1 on the rows
 *   'recall >= x'     the highest threshold whose recall is at least x
 *   'precision >= x'  the lowest threshold whose precision is at least x
 *   'top_k n'         the n-th highest probability: about n rows flagged
 *                     (all ties at the cut are flagged), for a capacity of
 *                     n interventions
 * 'max_f1', 'recall >= x' and 'precision >= x' need rows of the class in
 * the relation: without them the call fails and writes no version.
 * Rule names are matched in any case; spaces around the name, ">=" and the
 * number are ignored; x is a decimal (digits, optional fraction) and n
 * decimal digits only.  rule_used and the version's params carry the rule
 * as written above ('RECALL>=0.50 ' becomes 'recall >= 0.50').
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>

#include "funcapi.h"
#include "lib/stringinfo.h"
#include "parser/scansup.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/json.h"

#include "model_call.h"
#include "model_outputs.h"
#include "model_registry_sql.h"

typedef struct Rule
{
	int			rule;			/* EnsThresholdRule */
	double		x;				/* recall or precision, or n */
	char	   *text;
} Rule;

static void
BadRule(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("rule must be 'prior', 'max_f1', 'recall >= x', 'precision >= x' or 'top_k n'"),
			 errhint("x is a decimal share in (0, 1] such as 0.8, n a positive whole number of rows in decimal digits; names may be in any case.")));
}

static const char *
SkipSpace(const char *s)
{
	while (scanner_isspace(*s))
		s++;
	return s;
}

/* s after the rule name word (any case), or NULL */
static const char *
AfterName(const char *s, const char *word)
{
	size_t		len = strlen(word);

	return pg_strncasecmp(s, word, len) == 0 ? s + len : NULL;
}

/*
 * A decimal share after "recall"/"precision": spaces, ">=", spaces, digits
 * with an optional fraction (no sign, exponent, hex, inf or nan), then only
 * spaces.  Its text goes to *num, *numlen; NaN when s is not that.
 */
static double
Share(const char *s, const char **num, int *numlen)
{
	const char *p;
	int			digits = 0;

	s = SkipSpace(s);
	if (strncmp(s, ">=", 2) != 0)
		return NAN;
	s = SkipSpace(s + 2);
	for (p = s; isdigit((unsigned char) *p); p++)
		digits++;
	if (*p == '.')
		for (p++; isdigit((unsigned char) *p); p++)
			digits++;
	if (digits == 0 || *SkipSpace(p) != '\0')
		return NAN;
	*num = s;
	*numlen = (int) (p - s);
	return strtod(s, NULL);
}

static Rule
ParseRule(const char *in)
{
	Rule		r;
	const char *s = SkipSpace(in),
			   *rest,
			   *num = NULL;
	int			numlen = 0;

	r.x = NAN;
	r.rule = 0;
	if ((rest = AfterName(s, "prior")) && *SkipSpace(rest) == '\0')
		r.rule = ENS_RULE_PRIOR;
	else if ((rest = AfterName(s, "max_f1")) && *SkipSpace(rest) == '\0')
		r.rule = ENS_RULE_MAX_F1;
	else if ((rest = AfterName(s, "recall")) && !isnan(r.x = Share(rest, &num, &numlen)))
		r.rule = ENS_RULE_RECALL;
	else if ((rest = AfterName(s, "precision")) && !isnan(r.x = Share(rest, &num, &numlen)))
		r.rule = ENS_RULE_PRECISION;
	else if ((rest = AfterName(s, "top_k")))
	{
		const char *p = SkipSpace(rest);
		uint64		n = 0;
		bool		big = false;

		num = p;
		for (; isdigit((unsigned char) *p); p++)
		{
			n = n * 10 + (*p - '0');
			if (n > ENS_MAX_ROWS)
			{
				big = true;
				n = ENS_MAX_ROWS + (uint64) 1;
			}
		}
		if (p == num || *SkipSpace(p) != '\0')
			BadRule();
		if (big)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the number of rows of rule 'top_k n' is too large"),
					 errdetail("n is at most %u, the most rows a relation may have.", ENS_MAX_ROWS)));
		r.rule = ENS_RULE_TOP_K;
		r.x = (double) n;
	}
	if (r.rule == 0)
		BadRule();
	if ((r.rule == ENS_RULE_RECALL || r.rule == ENS_RULE_PRECISION) && !(r.x > 0 && r.x <= 1))
		BadRule();
	if (r.rule == ENS_RULE_TOP_K && r.x < 1)
		BadRule();
	/* the rule as written back (rule_used, the version's params) */
	switch (r.rule)
	{
		case ENS_RULE_PRIOR:
			r.text = pstrdup("prior");
			break;
		case ENS_RULE_MAX_F1:
			r.text = pstrdup("max_f1");
			break;
		case ENS_RULE_RECALL:
		case ENS_RULE_PRECISION:
			r.text = psprintf("%s >= %.*s", r.rule == ENS_RULE_RECALL ? "recall" : "precision",
							  numlen, num);
			break;
		default:
			r.text = psprintf("top_k %.0f", r.x);
			break;
	}
	return r;
}

typedef struct ThrArgs
{
	Oid			relid;
	text	   *cls;
	Rule		rule;
	ReturnSetInfo *rsinfo;
	instr_time	start;
} ThrArgs;

/* the training share of class k (rule 'prior') */
static double
Prior(const EnsRegModel *rm, uint32_t k)
{
	const EnsModel *m = rm->m;
	uint64_t	total = 0;
	uint32_t	j;

	if (!m->ext || !m->ext->class_count)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("model \"%s\" does not record its training rows per class", rm->name),
				 errhint("Retrain it, or add the counts with edupredict.model_profile(%s, training relation, version => %d).",
						 quote_literal_cstr(rm->name), rm->slot->version)));
	for (j = 0; j < m->n_classes; j++)
		total += m->ext->class_count[j];
	return (double) m->ext->class_count[k] / total;
}

static void
Choose(EnsRegModel *rm, void *arg)
{
	ThrArgs    *ta = (ThrArgs *) arg;
	const EnsModel *m = rm->m;
	uint32_t	k,
				K = m->n_classes,
				i,
				np;
	EnsHeldout	h;
	EnsAlloc	al;
	EnsModel	mt = *m;
	EnsExtras  *x;
	double	   *out,
			   *s,
			   *thr,
				t;
	uint8_t    *y;
	uint64_t   *flagged,
			   *tp,
				pos = 0,
				nf = 0,
				ntp = 0;
	int64_t		j;
	StringInfoData params;
	instr_time	end;
	Datum		v[9];
	bool		nl[9] = {false};
	int32		version;

	/* before the class: a named class of a regression model says the same */
	ens_require_classifier(m, rm->name, "choose_threshold()");
	k = ens_class_arg(m, ta->cls, rm->name, rm->slot->version, "choose_threshold()");
	version = ens_registry_reserve(rm->name);	/* rights before rows */
	ens_heldout_read(rm->name, rm->slot, m, ta->relid, ENS_HELDOUT_TARGET, &h);
	ens_heldout_require_rows(&h);
	ens_heldout_known_labels(rm->name, &h, "choose_threshold()", false);
	ens_pg_plain_alloc_init(&al, CurrentMemoryContext);
	out = ens_heldout_predict(m, &h, false);
	s = palloc_extended(sizeof(double) * h.n, MCXT_ALLOC_HUGE);
	y = palloc_extended(h.n, MCXT_ALLOC_HUGE);
	thr = palloc_extended(sizeof(double) * h.n, MCXT_ALLOC_HUGE);
	flagged = palloc_extended(sizeof(uint64_t) * h.n, MCXT_ALLOC_HUGE);
	tp = palloc_extended(sizeof(uint64_t) * h.n, MCXT_ALLOC_HUGE);
	for (i = 0; i < h.n; i++)
	{
		s[i] = out[(size_t) i * K + k];
		y[i] = h.act[i] == k;
		pos += y[i];
	}
	/* recall, precision and F1 of a class without rows rank no threshold */
	/*
	 * a class the caller named is shown as named (clipped); the default
	 * class by its position, as its label is a value of the training rows
	 * (STYLE.md section 8)
	 */
	if (pos == 0 && ta->rule.rule != ENS_RULE_PRIOR && ta->rule.rule != ENS_RULE_TOP_K && ta->cls)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relation has no row of class \"%s\" to choose a threshold by rule \"%s\"",
						ens_name_for_message(text_to_cstring(ta->cls)), ta->rule.text),
				 errdetail("Recall, precision and F1 count the rows of the class: without any, every threshold is as good as another."),
				 errhint("Choose on rows that include the class, or use rule 'prior' or 'top_k n'.")));
	if (pos == 0 && ta->rule.rule != ENS_RULE_PRIOR && ta->rule.rule != ENS_RULE_TOP_K)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relation has no row of class #%u of model \"%s\" to choose a threshold by rule \"%s\"",
						k + 1, rm->name, ta->rule.text),
				 errdetail("Recall, precision and F1 count the rows of the class: without any, every threshold is as good as another."),
				 errhint("Choose on rows that include the class, or use rule 'prior' or 'top_k n'; edupredict.model_classes(%s) lists the classes from #1.",
						 ens_model_args_sql(rm->name, rm->slot->version))));
	ens_pg_check(ens_curve(h.n, s, y, &al, ens_pg_interrupt, NULL, thr, flagged, tp, &np), ENS_WHAT_CHOOSE_THRESHOLD, NULL);
	if (ta->rule.rule == ENS_RULE_PRIOR)
		t = Prior(rm, k);
	else
	{
		j = ens_threshold_rule(ta->rule.rule, ta->rule.x, thr, flagged, tp, np, pos);
		if (j < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("no threshold meets rule \"%s\" on these rows", ta->rule.text),
					 errhint("Relax the rule, or check the class has rows in the relation.")));
		t = thr[j];
	}
	/* what the threshold flags on these rows */
	for (i = 0; i < np && thr[i] >= t; i++)
	{
		nf = flagged[i];
		ntp = tp[i];
	}

	x = ens_ext_new(&al);
	if (m->ext)
		*x = *m->ext;
	x->owned = true;
	x->n_mem = 0;
	x->keep = NULL;
	x->has_threshold = true;
	x->thr_class = k;
	x->threshold = t;
	mt.ext = x;
	initStringInfo(&params);
	appendStringInfoString(&params, "{\"threshold\": {\"class\": ");
	escape_json(&params, text_to_cstring(ens_class_text(m, k)));
	appendStringInfoString(&params, ", \"rule\": ");
	escape_json(&params, ta->rule.text);
	appendStringInfo(&params, ", \"value\": %s}}", ens_float_text(t));
	INSTR_TIME_SET_CURRENT(end);
	INSTR_TIME_SUBTRACT(end, ta->start);

	v[0] = Int32GetDatum(ens_write_version(rm, version, &mt, params.data, "{}", INSTR_TIME_GET_DOUBLE(end)));
	v[1] = PointerGetDatum(ens_class_text(m, k));
	v[2] = CStringGetTextDatum(ta->rule.text);
	v[3] = Float8GetDatum(t);
	v[4] = Int64GetDatum((int64) nf);
	v[5] = Int64GetDatum((int64) h.n);
	v[6] = Float8GetDatum(nf ? (double) ntp / nf : NAN);
	v[7] = Float8GetDatum(pos ? (double) ntp / pos : NAN);
	v[8] = Float8GetDatum(nf + pos ? 2.0 * ntp / (nf + pos) : NAN);
	nl[6] = nf == 0;
	nl[7] = pos == 0;
	tuplestore_putvalues(ta->rsinfo->setResult, ta->rsinfo->setDesc, v, nl);
}

/* choose_threshold(model_name, relation, class, rule, version) */
PG_FUNCTION_INFO_V1(model_choose_threshold);
Datum
model_choose_threshold(PG_FUNCTION_ARGS)
{
	ThrArgs		ta;
	EnsRegModel rm;

	INSTR_TIME_SET_CURRENT(ta.start);
	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("model_name and relation must not be NULL")));
	ta.relid = PG_GETARG_OID(1);
	ta.cls = PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2);
	ta.rule = ParseRule(PG_ARGISNULL(3) ? "max_f1" : text_to_cstring(PG_GETARG_TEXT_PP(3)));
	ta.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ens_regmodel_get(&rm, PG_GETARG_TEXT_PP(0), ens_call_version_arg(fcinfo, 4));
	ens_regmodel_run(&rm, Choose, &ta);
	return (Datum) 0;
}

/*
 * predict_label(model_name, row, version, threshold): the label of a row
 * under the given threshold, or the version's own, or none (the most
 * probable class); a regression model has no labels to give.
 */
PG_FUNCTION_INFO_V1(model_predict_label);
Datum
model_predict_label(PG_FUNCTION_ARGS)
{
	RegCall    *rc;
	EnsModel   *m;
	double		t;
	uint32_t	c,
				k;
	bool		thr;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	rc = ens_call_get(fcinfo);
	m = ens_call_registry_model(fcinfo, rc, PG_GETARG_TEXT_PP(0), ens_call_version_arg(fcinfo, 2));
	if (m->task != ENS_CLASSIFICATION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" is a regression model: thresholds are for classes", rc->name)));
	thr = ens_call_threshold_arg(fcinfo, rc, m, 3, &t, &c);
	ens_call_row_input(fcinfo, rc, m, PG_GETARG_HEAPTUPLEHEADER(1), rc->name);
	ens_bin_row(m, rc->x, rc->xb);
	ens_predict_binned(m, rc->xb, rc->out);
	k = thr ? ens_threshold_label(rc->out, m->n_classes, c, t) : ens_predicted_class(m, rc->out);
	PG_RETURN_TEXT_P(ens_class_text(m, k));
}
