# edupredict: PGXS build.  `make PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config`
EXTENSION = edupredict
EXTVERSION = 0.2.0

MODULE_big = edupredict
OBJS = \
	src/edupredict.o \
	src/pii.o \
	src/pii_normalise.o \
	src/pii_log.o \
	src/pii_key.o \
	src/pii_mention.o \
	src/school_term.o \
	src/expected_count.o \
	src/forecast_rng.o \
	src/forecast_guc.o \
	src/ensemble_bins.o \
	src/forest_train.o \
	src/ensemble_walk.o \
	src/ensemble_format.o \
	src/ensemble_reader.o \
	src/ensemble_metrics.o \
	src/ensemble_pg.o \
	src/ensemble_error.o \
	src/ensemble_error_pg.o \
	src/model_relation.o \
	src/model_trainset.o \
	src/model_groups.o \
	src/model_train.o \
	src/forest_params.o \
	src/forest_learner.o \
	src/forest_oob.o \
	src/forest_cvcal.o \
	src/ensemble_order.o \
	src/ensemble_runner.o \
	src/ensemble_bin_table.o \
	src/model_rows.o \
	src/model_guard.o \
	src/model_registry.o \
	src/model_ref.o \
	src/model_name_rewrite.o \
	src/registry_lock_guard.o \
	src/model_predict.o \
	src/model_registry_sql.o \
	src/model_evaluate.o \
	src/ensemble_agg_state.o \
	src/model_agg.o \
	src/model_agg_local.o \
	src/ensemble_trees_state.o \
	src/model_agg_trees.o \
	src/model_merge.o \
	src/model_runs.o \
	src/model_folds.o \
	src/model_cv.o \
	src/model_cv_threads.o \
	src/model_space.o \
	src/model_tune.o \
	src/boost_learner.o \
	src/boost_params.o \
	src/boost_train.o \
	src/boost_hist.o \
	src/boost_split.o \
	src/boost_tree.o \
	src/boost_loss.o \
	src/ensemble_pool.o \
	src/boost_kgrow.o \
	src/boost_mem.o \
	src/boost_walk.o \
	src/boost_roots.o \
	src/ensemble_sections.o \
	src/ensemble_shap.o \
	src/ensemble_shap_plan.o \
	src/ensemble_profile.o \
	src/ensemble_calib.o \
	src/ensemble_curves.o \
	src/ensemble_dense.o \
	src/ensemble_bin_row.o \
	src/ensemble_heldout.o \
	src/model_heldout.o \
	src/model_version.o \
	src/model_explain.o \
	src/model_importance.o \
	src/model_calibrate.o \
	src/model_threshold.o \
	src/model_curves.o \
	src/model_drift.o \
	src/model_profile.o \
	src/spectral.o \
	src/spectral_kway.o \
	src/spectral_bisect.o \
	src/spectral_refine.o \
	src/spectral_score.o \
	src/spectral_knn.o \
	src/spectral_eigen.o \
	src/spectral_assign.o \
	src/spectral_window.o \
	src/spectral_postgis.o \
	src/spectral_summary.o \
	src/panel_period.o \
	src/panel_spec.o \
	src/panel_query.o \
	src/panel_collect.o \
	src/panel_series.o \
	src/panel_write.o \
	src/scoring_attach.o \
	src/scoring_owner.o \
	src/scoring_trigger.o \
	src/scoring_alerts.o \
	src/scoring_ddl_guard.o

# Versions follow pg_trgm: sql/edupredict--0.1.0.sql is the released base
# script and is never edited; each later version is an upgrade script, so
# CREATE EXTENSION runs the base and then every upgrade (a fresh install and an
# upgraded one are the same by construction).  The current upgrade script is
# assembled from one fragment per area (sql/update/<from>--<to>/NN_*.sql) and
# committed too: installing needs no build step that could go stale, and
# scripts/test.sh fails if the committed copy differs from its fragments.
UPDATE_PARTS = $(sort $(wildcard sql/update/0.1.0--$(EXTVERSION)/*.sql))
DATA = sql/$(EXTENSION)--0.1.0.sql
DATA_built = sql/$(EXTENSION)--0.1.0--$(EXTVERSION).sql

# Regression tests: every sql/<name>.sql except the install script.
REGRESS = $(sort $(patsubst sql/%.sql,%,$(filter-out sql/$(EXTENSION)--%,$(wildcard sql/*.sql))))
REGRESS_OPTS = --inputdir=. --dbname=contrib_regression
# Isolation tests: test/isolation/specs/<name>.spec with test/isolation/expected/<name>.out.
ISOLATION = $(sort $(patsubst test/isolation/specs/%.spec,%,$(wildcard test/isolation/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test/isolation --dbname=isolation_regression

# Warnings are errors; -Wextra without the two warnings PostgreSQL's own macros trip.
PG_CFLAGS += -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Werror
# OPTFLAGS stays empty by default: -march=native breaks distribution builds.
OPTFLAGS ?=
PG_CFLAGS += $(OPTFLAGS)
# Dependency files, read at the end of this file.  CFLAGS, not CPPFLAGS: clang's
# bitcode rule takes CPPFLAGS too and would write the same .d files.
PG_CFLAGS += -MMD -MP

SHLIB_LINK += -llapacke -lopenblas -lm

EXTRA_CLEAN = results regression.diffs regression.out output_iso $(OBJS:.o=.d)

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Always reassembled (it is cheap), so a stale committed copy can never be installed.
.PHONY: sql/$(EXTENSION)--0.1.0--$(EXTVERSION).sql
sql/$(EXTENSION)--0.1.0--$(EXTVERSION).sql: $(UPDATE_PARTS)
	cat $^ > $@

# Header dependencies (PGXS tracks none): gcc writes src/<name>.d beside each
# object (-MMD: the headers it read, PostgreSQL's included, system headers not;
# -MP: a header since removed is no error), included here, after PGXS, so that
# its first target stays the default goal.  An object with no .d yet (built
# before this rule) depends on every header of src/.  The LLVM bitcode
# (with_llvm: src/<name>.bc, compiled by clang from the same source, without
# CFLAGS) is rebuilt whenever its object is.
-include $(OBJS:.o=.d)
$(foreach o,$(OBJS),$(if $(wildcard $(o:.o=.d)),,$(eval $(o): $(wildcard src/*.h))))
$(OBJS:.o=.bc): %.bc: %.o

# The boosting engine's hot loops (histograms, split search, a tree's growth, gradients,
# rounds): -O3, after PostgreSQL's -O2 so it wins (about 2.5% off a tune() search).
# No fast-math: the same sums, gains and models, bit for bit.
BOOST_ENGINE_OBJS = src/boost_hist.o src/boost_split.o src/boost_tree.o src/boost_loss.o \
	src/boost_train.o src/boost_kgrow.o src/boost_walk.o src/boost_roots.o
$(BOOST_ENGINE_OBJS): CFLAGS += -O3
