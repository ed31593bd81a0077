#!/usr/bin/env bash
# Runs inside a throwaway cluster (scripts/with_cluster.sh) for
# bench/calib_recipes.sh; prints
#   "pg recipe=R trees=N seed=S model=M brier=B ece=E" lines
# (R: held, cv or fit, the last train_forest(calibration_folds => 5); M: raw,
# iso or sig), one "pg rows ..." and one "pg check ..." line.
#   calib_recipes_in_cluster.sh DIR "TREES..." SEED...
# DIR holds uci.csv (bench/forest_gen.py). Training rows are numbered by
# their place in the file (rid, from 0), as bench/calib_recipes_py.py numbers them.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1 trees=$2
shift 2
. bench/lib/database.sh
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning -c edupredict.forest_threads=2"
bench_database calib_recipes
# uci_fit and uci_cal: the held-out recipe (bench/explain.sh's), the forest on 3 in 4 training rows,
# the calibrator on the 4th
uci_load "$dir"
"${P[@]}" <<SQL >/dev/null
-- CalibratedClassifierCV's recipe: 5 folds; forest f learns on the other 4, its calibrator on fold f
CREATE VIEW fit_0 AS SELECT $cols, y FROM uci WHERE is_test = 0 AND rid % 5 <> 0;
CREATE VIEW cal_0 AS SELECT $cols, y FROM uci WHERE is_test = 0 AND rid % 5 = 0;
CREATE VIEW fit_1 AS SELECT $cols, y FROM uci WHERE is_test = 0 AND rid % 5 <> 1;
CREATE VIEW cal_1 AS SELECT $cols, y FROM uci WHERE is_test = 0 AND rid % 5 = 1;
CREATE VIEW fit_2 AS SELECT $cols, y FROM uci WHERE is_test = 0 AND rid % 5 <> 2;
CREATE VIEW cal_2 AS SELECT $cols, y FROM uci WHERE is_test = 0 AND rid % 5 = 2;
CREATE VIEW fit_3 AS SELECT $cols, y FROM uci WHERE is_test = 0 AND rid % 5 <> 3;
CREATE VIEW cal_3 AS SELECT $cols, y FROM uci WHERE is_test = 0 AND rid % 5 = 3;
CREATE VIEW fit_4 AS SELECT $cols, y FROM uci WHERE is_test = 0 AND rid % 5 <> 4;
CREATE VIEW cal_4 AS SELECT $cols, y FROM uci WHERE is_test = 0 AND rid % 5 = 4;
VACUUM ANALYZE uci;
SQL
"${P[@]}" -c "SELECT 'pg rows train=' || count(*) FILTER (WHERE is_test = 0) || ' test=' || count(*) FILTER (WHERE is_test = 1)
                     || ' fit=' || count(*) FILTER (WHERE is_test = 0 AND rid % 4 <> 0)
                     || ' cal=' || count(*) FILTER (WHERE is_test = 0 AND rid % 4 = 0) FROM uci"

# Brier score (sum over classes) and ECE (10 equal-count bins, a run of equal
# probabilities whole in the bin of its first row, one class against the rest,
# mean over classes): evaluate()'s definitions, for probabilities that no
# single model returns. Reads a relation (rid, y, version, k, label, p).
score_sql() {
  cat <<SQL
WITH s AS (
  SELECT version, rid, k, p, (y = label)::int::float8 AS hit,
         (row_number() OVER (PARTITION BY version, k ORDER BY p) - 1) * 10
           / count(*) OVER (PARTITION BY version, k) AS b0
  FROM $1),
t AS (SELECT version, k, p, hit, min(b0) OVER (PARTITION BY version, k, p) AS b FROM s),
e AS (SELECT version, k, sum(n * abs(mp - mh)) / sum(n) AS ece
      FROM (SELECT version, k, b, count(*) AS n, avg(p) AS mp, avg(hit) AS mh FROM t GROUP BY version, k, b) bins
      GROUP BY version, k),
br AS (SELECT version, avg(sq) AS brier
       FROM (SELECT version, rid, sum((p - hit) ^ 2) AS sq FROM s GROUP BY version, rid) r GROUP BY version)
SELECT br.version, br.brier, (SELECT avg(ece) FROM e WHERE e.version = br.version) AS ece FROM br
SQL
}

for s in "$@"; do
  # ---- held-out recipe, over tree counts ----
  for nt in $trees; do
    "${P[@]}" <<SQL
SELECT 1 FROM edupredict.train_forest('held', 'uci_fit', 'y', n_trees => $nt, test_fraction => 0, seed => $s) \g /dev/null
SELECT 1 FROM edupredict.calibrate('held', 'uci_cal', 'isotonic', version => 1) \g /dev/null
SELECT 1 FROM edupredict.calibrate('held', 'uci_cal', 'sigmoid', version => 1) \g /dev/null
SELECT 'pg recipe=held trees=$nt seed=$s model=' || (ARRAY['raw', 'iso', 'sig'])[v]
       || ' brier=' || round(max(value) FILTER (WHERE metric = 'brier_score')::numeric, 6)
       || ' ece=' || round(max(value) FILTER (WHERE metric = 'ece')::numeric, 6)
FROM generate_series(1, 3) v, LATERAL edupredict.evaluate('held', 'uci_test', v) GROUP BY v ORDER BY v;
SELECT edupredict.drop_model('held') \g /dev/null
SQL
  done

  # ---- CalibratedClassifierCV's recipe, 5 x 100 trees, in SQL only ----
  # Every fold's forest gets the same seed, as CalibratedClassifierCV clones
  # one RandomForestClassifier(random_state=S) for every fold.
  "${P[@]}" <<SQL
-- five forests (version 1), each calibrated on its own fold: isotonic (version 2), sigmoid (version 3)
SELECT 1 FROM generate_series(0, 4) f,
  LATERAL edupredict.train_forest('cv_' || f, ('fit_' || f)::regclass, 'y', n_trees => 100,
                                  test_fraction => 0, seed => $s) \g /dev/null
SELECT 1 FROM generate_series(0, 4) f,
  LATERAL edupredict.calibrate('cv_' || f, ('cal_' || f)::regclass, 'isotonic', version => 1) \g /dev/null
SELECT 1 FROM generate_series(0, 4) f,
  LATERAL edupredict.calibrate('cv_' || f, ('cal_' || f)::regclass, 'sigmoid', version => 1) \g /dev/null
-- the five models share their classes, so probability k means the same class in each
DO \$\$BEGIN
  IF (SELECT count(DISTINCT edupredict.model_classes('cv_' || f)) FROM generate_series(0, 4) f) <> 1 THEN
    RAISE EXCEPTION 'the five models do not share their classes';
  END IF;
END\$\$;
-- a test row's probabilities under a recipe: the mean over the five models of the same version
CREATE TEMP TABLE cv_proba AS
SELECT t.rid, t.y, v AS version, u.k, (edupredict.model_classes('cv_0'))[u.k] AS label, avg(u.p) AS p
FROM uci_test t, generate_series(1, 3) v, generate_series(0, 4) f,
     LATERAL unnest(edupredict.predict_proba('cv_' || f, t, v)) WITH ORDINALITY AS u(p, k)
GROUP BY t.rid, t.y, v, u.k;
SELECT 'pg recipe=cv trees=100x5 seed=$s model=' || (ARRAY['raw', 'iso', 'sig'])[version]
       || ' brier=' || round(brier::numeric, 6) || ' ece=' || round(ece::numeric, 6)
FROM ($(score_sql cv_proba)) sc ORDER BY version;
SQL
  if [ "$s" = "$1" ]; then
    # the SQL scoring above against evaluate(), on fold 0's forest alone
    "${P[@]}" <<SQL
CREATE TEMP TABLE one_proba AS
SELECT t.rid, t.y, 1 AS version, u.k, (edupredict.model_classes('cv_0'))[u.k] AS label, u.p
FROM uci_test t, LATERAL unnest(edupredict.predict_proba('cv_0', t, 1)) WITH ORDINALITY AS u(p, k);
SELECT 'pg check seed=$s brier_diff=' || btrim(to_char(abs(sc.brier - ev.brier), '9.9EEEE'))
       || ' ece_diff=' || btrim(to_char(abs(sc.ece - ev.ece), '9.9EEEE'))
FROM ($(score_sql one_proba)) sc,
     (SELECT max(value) FILTER (WHERE metric = 'brier_score') AS brier, max(value) FILTER (WHERE metric = 'ece') AS ece
      FROM edupredict.evaluate('cv_0', 'uci_test', 1)) ev;
SQL
  fi
  "${P[@]}" -c "SELECT edupredict.drop_model('cv_' || f) FROM generate_series(0, 4) f" >/dev/null

  # ---- the same recipe inside one model: train_forest(calibration_folds => 5) ----
  # Its uncalibrated probabilities are those of the same 5 x 100 trees (the
  # calibrator draws no random number, so both models hold the same trees):
  # explain()'s base value plus contributions, the trees' own probability.
  "${P[@]}" <<SQL
SELECT 1 FROM unnest(ARRAY['isotonic', 'sigmoid']) m,
  LATERAL edupredict.train_forest('fit_' || m, 'uci_train', 'y', n_trees => 100, test_fraction => 0, seed => $s,
                                  calibration => m, calibration_folds => 5) \g /dev/null
CREATE TEMP TABLE fit_proba AS
SELECT t.rid, t.y, 1 AS version, c.k, c.label,
       edupredict.explain_base_value('fit_isotonic', c.label)
       + (SELECT sum(contribution) FROM edupredict.explain('fit_isotonic', t, class => c.label)) AS p
FROM uci_test t, unnest(edupredict.model_classes('fit_isotonic')) WITH ORDINALITY AS c(label, k);
SELECT 'pg recipe=fit trees=100x5 seed=$s model=raw brier=' || round(brier::numeric, 6) || ' ece=' || round(ece::numeric, 6)
FROM ($(score_sql fit_proba)) sc;
SELECT 'pg recipe=fit trees=100x5 seed=$s model=' || CASE m WHEN 'isotonic' THEN 'iso' ELSE 'sig' END
       || ' brier=' || round(max(value) FILTER (WHERE metric = 'brier_score')::numeric, 6)
       || ' ece=' || round(max(value) FILTER (WHERE metric = 'ece')::numeric, 6)
FROM unnest(ARRAY['isotonic', 'sigmoid']) m, LATERAL edupredict.evaluate('fit_' || m, 'uci_test') GROUP BY m ORDER BY m;
SELECT edupredict.drop_model('fit_' || m) FROM unnest(ARRAY['isotonic', 'sigmoid']) m \g /dev/null
SQL
done
