# The PostgreSQL-free engine's sources, for the harnesses built outside the
# server: test/fuzz/run.sh, test/fuzz/boost_run.sh, bench/boost_engine.sh.
# Sourced from the repository root.
ENGINE_SRC="src/ensemble_bins.c src/ensemble_order.c src/ensemble_runner.c src/ensemble_pool.c src/ensemble_bin_table.c src/forest_train.c src/forest_params.c src/forest_oob.c src/forest_cvcal.c src/ensemble_walk.c src/ensemble_format.c src/ensemble_reader.c src/ensemble_metrics.c src/ensemble_sections.c src/ensemble_shap.c src/ensemble_shap_plan.c src/ensemble_profile.c src/ensemble_calib.c src/ensemble_curves.c src/ensemble_dense.c src/ensemble_bin_row.c src/ensemble_heldout.c src/ensemble_agg_state.c src/ensemble_trees_state.c src/ensemble_error.c"
# every boosting file but boost_learner.c (the PostgreSQL glue)
BOOST_SRC=$(ls src/boost_*.c | grep -v -x src/boost_learner.c | tr '\n' ' ')
