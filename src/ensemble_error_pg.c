/*
 * ensemble_error_pg.c - the engine's structured errors (EnsError,
 * ensemble.h) as ereport()s: one literal message per id, so that
 * translators see every one (STYLE.md section 7), and the SQLSTATE that
 * id calls for.  The one place their words are written, but for the model
 * reader's refusals (ENS_READ_ERRORS), whose texts the harnesses print too:
 * ens_pg_read_detail expands that list into one errdetail() per id.
 */
#include "postgres.h"

#include "boost.h"
#include "ensemble_pg.h"

/*
 * How a calibration error's class is numbered: a class label is a value of
 * the training rows and appears in no message (STYLE.md section 8).
 */
static int
ClassNumberHint(void)
{
	return errhint("Classes are numbered from 1 in the order edupredict.model_classes() lists a model's classes: numeric targets in increasing order, other targets in byte order.");
}

/* A boosting parameter out of range (boost_params.c); returns for any other id. */
static void
RaiseBoostParam(const EnsError *e)
{
	int			n0 = (int) e->n[0];

	switch (e->id)
	{
		case ENS_ERR_BOOST_CLASS_LOSS:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("loss must be logistic or softmax for classification")));
			break;
		case ENS_ERR_BOOST_FEW_CLASSES:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("target must have at least 2 classes")));
			break;
		case ENS_ERR_BOOST_MANY_CLASSES:
			ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							errmsg("target must have at most %d classes", n0)));
			break;
		case ENS_ERR_BOOST_LOGISTIC_CLASSES:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("loss logistic needs exactly 2 classes; use softmax")));
			break;
		case ENS_ERR_BOOST_TASK:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("task must be classification or regression")));
			break;
		case ENS_ERR_BOOST_REGRESSION_LOSS:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("loss must be squared, absolute or huber for regression")));
			break;
		case ENS_ERR_BOOST_HUBER_DELTA:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("huber_delta must be a positive number")));
			break;
		case ENS_ERR_CLASS_WEIGHT_REGRESSION:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("class_weight applies to classification only")));
			break;
		case ENS_ERR_BOOST_N_ROUNDS:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("n_rounds must be between 1 and %d", n0)));
			break;
		case ENS_ERR_BOOST_ROUND_TREES:
			ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							errmsg("n_rounds times the number of classes must be at most %d trees",
								   n0)));
			break;
		case ENS_ERR_BOOST_MAX_DEPTH:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("max_depth must be between 1 and %d", n0)));
			break;
		case ENS_ERR_BOOST_MAX_LEAVES:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("max_leaves must be between 2 and %d", n0)));
			break;
		case ENS_ERR_BOOST_DEPTH_OR_LEAVES:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("max_depth must be between 1 and %d unless max_leaves is set",
								   n0)));
			break;
		case ENS_ERR_BOOST_MIN_CHILD_WEIGHT:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("min_child_weight must be a non-negative number")));
			break;
		case ENS_ERR_BOOST_L2:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("l2 must be a non-negative number")));
			break;
		case ENS_ERR_BOOST_LEARNING_RATE:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("learning_rate must be greater than 0 and at most 1")));
			break;
		case ENS_ERR_BOOST_SUBSAMPLE:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("subsample must be greater than 0 and at most 1")));
			break;
		case ENS_ERR_BOOST_COLSAMPLE:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("colsample must be greater than 0 and at most 1")));
			break;
		case ENS_ERR_BOOST_EARLY_STOPPING:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("early_stopping_rounds must be between 1 and %d", n0)));
			break;
		case ENS_ERR_BOOST_THREADS:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("threads must be between 1 and %d", n0)));
			break;
		default:
			break;
	}
}

/*
 * The boosting trainer's own checks of what the glue hands it
 * (boost_train.c): the glue never builds such data, so these are
 * defects, reported in the words the trainer has always used.
 */
static void
RaiseBoostData(const EnsError *e)
{
	switch (e->id)
	{
		case ENS_ERR_BOOST_ROW:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("a row number is out of range")));
			break;
		case ENS_ERR_BOOST_BIN:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("a bin is out of its feature's range")));
			break;
		case ENS_ERR_BOOST_CLASS_CODE:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("a class code is out of range")));
			break;
		case ENS_ERR_BOOST_TARGET:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("regression targets must be finite numbers within plus or minus 1e30")));
			break;
		case ENS_ERR_BOOST_MODEL_TASK:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("the model and the parameters disagree on the task")));
			break;
		case ENS_ERR_BOOST_N_FEATURES:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("features must number between 1 and %d", ENS_MAX_FEATURES)));
			break;
		case ENS_ERR_BOOST_N_BINS:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("a feature has an invalid number of bins")));
			break;
		case ENS_ERR_BOOST_NO_ROWS:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("there are no training rows")));
			break;
		case ENS_ERR_BOOST_NO_VALIDATION:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("early_stopping_rounds needs validation rows")));
			break;
		default:
			break;
	}
}

/* A forest's calibration (forest_oob.c, forest_cvcal.c); returns for any other id. */
static void
RaiseCalibration(const EnsError *e)
{
	unsigned	n0 = (unsigned) e->n[0],
				n1 = (unsigned) e->n[1];

	switch (e->id)
	{
		case ENS_ERR_OOB_NO_ROWS:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("no training row was left out of a tree's sample to calibrate on; grow more trees or a smaller sample_fraction")));
			break;
		case ENS_ERR_OOB_ONE_CLASS:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("the out-of-bag rows are all of class #%u of %u: the calibrator needs other classes too; grow more trees",
								   n0, n1),
							ClassNumberHint()));
			break;
		case ENS_ERR_OOB_MISSING_CLASS:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("no out-of-bag row is of class #%u of %u: the calibrator needs rows of every class; grow more trees or leave calibration NULL",
								   n0, n1),
							ClassNumberHint()));
			break;
		case ENS_ERR_OOB_KNOTS:
			ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							errmsg("the isotonic calibrator needs more than %u knots; use calibration => 'sigmoid'",
								   n0)));
			break;
		case ENS_ERR_CVCAL_FEW_ROWS:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("calibration_folds is %u but there are only %u training rows; use fewer folds",
								   n0, n1)));
			break;
		case ENS_ERR_CVCAL_TREES:
			ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							errmsg("calibration_folds x n_trees (%u x %d) is over %d trees; use fewer folds or trees",
								   n0, (int) e->n[1], (int) e->n[2])));
			break;
		case ENS_ERR_CVCAL_ONE_CLASS:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("the rows of calibration fold %u are all of class #%u of %u: a calibrator needs other classes too; use fewer calibration_folds",
								   n0, n1, (unsigned) e->n[2]),
							ClassNumberHint()));
			break;
		case ENS_ERR_CVCAL_MISSING_CLASS:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("calibration fold %u has no row of class #%u of %u: every fold's calibrator needs rows of every class; use at most as many calibration_folds as the smallest class has rows",
								   n0, n1, (unsigned) e->n[2]),
							ClassNumberHint()));
			break;
		case ENS_ERR_CVCAL_KNOTS:
			ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							errmsg("an isotonic calibrator needs more than %u knots; use calibration => 'sigmoid'",
								   n0)));
			break;
		default:
			break;
	}
}

/*
 * The DETAIL of a model the reader refused: errdetail() of e's text, a
 * literal at each expanded case (checked against its figures by the
 * compiler, marked by gettext_noop for translators); 0 for no such error.
 */
int
ens_pg_read_detail(const EnsError *e)
{
#define READ_DETAIL(id, figures, text) \
	case id: \
		return errdetail(text ENS_READ_FIGURES##figures(e));

	if (e == NULL)
		return 0;
	switch (e->id)
	{
			ENS_READ_ERRORS(READ_DETAIL)
		default:
			return 0;
	}
#undef READ_DETAIL
}

/*
 * ereport(ERROR) for e; returns when e names no error (ENS_ERR_NONE: the
 * caller reports the status, ens_pg_check).
 */
void
ens_pg_raise_error(const EnsError *e)
{
	if (e == NULL || e->id == ENS_ERR_NONE)
		return;
	RaiseBoostParam(e);
	RaiseBoostData(e);
	RaiseCalibration(e);
	elog(ERROR, "engine error %s has no message", ens_error_name(e->id));
}
