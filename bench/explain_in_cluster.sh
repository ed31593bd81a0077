#!/usr/bin/env bash
# Runs inside a throwaway cluster (scripts/with_cluster.sh) for
# bench/explain.sh; prints key=value lines prefixed with "pg".
#   explain_in_cluster.sh DIR ROWS
# DIR holds uci.csv and c1m.csv (bench/forest_gen.py); ROWS is the number of
# c1m test rows explained.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1 rows=$2
. bench/lib/database.sh
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
bench_database explain_bench

# time of a query in seconds, best of three (the machine is shared)
best3() {
  "${P[@]}" <<SQL
$2
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
$3;
SELECT extract(epoch FROM clock_timestamp()) - :t0 AS a \gset
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
$3;
SELECT extract(epoch FROM clock_timestamp()) - :t0 AS b \gset
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
$3;
SELECT 'pg $1=' || round(least(:a, :b, extract(epoch FROM clock_timestamp()) - :t0)::numeric, 3);
SQL
}

# ---- UCI: the forest's explanations and calibration ----
# calibration (uci_fit, uci_cal): the forest learns on 3 in 4 training rows, the calibrator on the 4th
uci_load "$dir"
"${P[@]}" <<SQL >/dev/null
SELECT 1 FROM edupredict.train_forest('exp_uci', 'uci_train', 'y', test_fraction => 0, seed => 42);
SELECT 1 FROM edupredict.train_forest('cal_uci', 'uci_fit', 'y', test_fraction => 0, seed => 42);
SQL
"${P[@]}" -c "SELECT 'pg uci test_rows=' || count(*) || ' nodes=' || (SELECT metrics->>'n_nodes' FROM edupredict.models WHERE name = 'exp_uci') FROM uci_test"
best3 uci_explain_s "SET max_parallel_workers_per_gather = 0;" \
  "SELECT count(*) FROM uci_test t, LATERAL edupredict.explain('exp_uci', t) e"
best3 uci_predict_s "SET max_parallel_workers_per_gather = 0;" \
  "SELECT count(edupredict.predict_proba('exp_uci', t)) FROM uci_test t"
"${P[@]}" <<'SQL'
SELECT 'pg uci additive=' || count(*) FILTER (WHERE abs(edupredict.explain_base_value('exp_uci', c.cls) + e.total
                                                     - edupredict.predict_proba('exp_uci', t, c.cls)) <= 1e-9)
       || ' of=' || count(*)
       || ' worst=' || btrim(to_char(max(abs(edupredict.explain_base_value('exp_uci', c.cls) + e.total
                                             - edupredict.predict_proba('exp_uci', t, c.cls))), '9.99EEEE'))
FROM uci_test t
CROSS JOIN LATERAL (SELECT edupredict.predict('exp_uci', t) AS cls) c
CROSS JOIN LATERAL (SELECT sum(contribution) AS total FROM edupredict.explain('exp_uci', t)) e;
SELECT 'pg uci cal_rows=' || (SELECT count(*) FROM uci_cal) || ' fit_rows=' || (SELECT count(*) FROM uci_fit);
SELECT 1 FROM edupredict.calibrate('cal_uci', 'uci_cal', 'isotonic');
SELECT 1 FROM edupredict.calibrate('cal_uci', 'uci_cal', 'sigmoid', version => 1);
SELECT 'pg ' || CASE v WHEN 1 THEN 'uncalibrated' WHEN 2 THEN 'isotonic' ELSE 'sigmoid' END || ' '
       || string_agg(metric || '=' || round(value::numeric, 6), ' ' ORDER BY metric)
FROM unnest(ARRAY[1, 2, 3]) v, edupredict.evaluate('cal_uci', 'uci_test', v)
WHERE metric IN ('brier_score', 'ece', 'log_loss', 'accuracy') GROUP BY v ORDER BY v;
SELECT 'pg all_rows ' || string_agg(metric || '=' || round(value::numeric, 6), ' ' ORDER BY metric)
FROM edupredict.evaluate('exp_uci', 'uci_test')
WHERE metric IN ('brier_score', 'ece', 'log_loss', 'accuracy');
-- cross-fitted in one model: 5 forests of 100 trees on all training rows, one calibrator on their
-- out-of-fold probabilities (train_forest(calibration_folds => 5), the model's default seed)
SELECT 1 FROM edupredict.train_forest('cvcal_uci', 'uci_train', 'y', n_trees => 100, test_fraction => 0, seed => 42,
                                      calibration => 'isotonic', calibration_folds => 5);
SELECT 'pg cross_fitted ' || string_agg(metric || '=' || round(value::numeric, 6), ' ' ORDER BY metric)
FROM edupredict.evaluate('cvcal_uci', 'uci_test')
WHERE metric IN ('brier_score', 'ece', 'log_loss', 'accuracy');
SQL

# ---- c1m: a 300-round depth-6 boosted model on 800,000 x 20 rows ----
cols=$(head -1 "$dir/c1m.csv" | tr ',' '\n' | grep -v -x -e y -e is_test | paste -sd, -)
coldefs=$(echo "$cols" | tr ',' '\n' | sed 's/$/ float8/' | paste -sd, -)
arr="ARRAY[$cols]::float8[]"
"${P[@]}" <<SQL >/dev/null
CREATE TABLE c1m_file ($coldefs, y float8, is_test int);
\copy c1m_file FROM '$dir/c1m.csv' CSV HEADER
CREATE TABLE c1m_train AS SELECT $arr AS f, y FROM c1m_file WHERE is_test = 0;
CREATE TABLE c1m_rows AS SELECT $arr AS f FROM (SELECT * FROM c1m_file WHERE is_test = 1 LIMIT $rows) t;
DROP TABLE c1m_file;
VACUUM ANALYZE c1m_train;
VACUUM ANALYZE c1m_rows;
SQL
"${P[@]}" <<'SQL'
SET edupredict.forest_threads = 2;
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
CREATE TABLE c1m_model AS
SELECT edupredict.boost_agg(f, y, '{"n_rounds": 300, "max_depth": 6, "learning_rate": 0.1, "seed": 42}') AS model
FROM c1m_train;
SELECT 'pg c1m train_rows=' || (SELECT count(*) FROM c1m_train) || ' train_s='
       || round((extract(epoch FROM clock_timestamp()) - :t0)::numeric, 1)
       || ' model_bytes=' || octet_length(model) FROM c1m_model;
SELECT 'pg c1m additive=' || count(*) FILTER (WHERE abs(edupredict.explain_base_value(m.model, '1')
                                  + (SELECT sum(contribution) FROM edupredict.explain(m.model, r.f, class => '1'))
                                  - ln(p / (1 - p))) <= 1e-9) || ' of=' || count(*)
FROM c1m_model m, (SELECT f FROM c1m_rows LIMIT 1000) r,
     LATERAL (SELECT (edupredict.predict_proba(m.model, r.f))[2] AS p) pp;
SQL
"${P[@]}" -c "SELECT 'pg c1m explain_rows=' || count(*) FROM c1m_rows"
best3 c1m_explain_s "SET max_parallel_workers_per_gather = 0;" \
  "SELECT count(*) FROM c1m_model m, c1m_rows r, LATERAL edupredict.explain(m.model, r.f, class => '1') e"
best3 c1m_explain_parallel_s "SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;" \
  "SELECT count(*) FROM c1m_model m, c1m_rows r, LATERAL edupredict.explain(m.model, r.f, class => '1') e"
# the same without JIT compilation (docs/explain.md, Performance): for scale, the goal is judged with JIT on
best3 c1m_explain_parallel_nojit_s "SET jit = off; SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;" \
  "SELECT count(*) FROM c1m_model m, c1m_rows r, LATERAL edupredict.explain(m.model, r.f, class => '1') e"
workers=$("${P[@]}" -c "SET max_parallel_workers_per_gather = 2" -c "SET parallel_setup_cost = 0" \
  -c "SET parallel_tuple_cost = 0" -c "SET min_parallel_table_scan_size = 0" \
  -c "EXPLAIN (COSTS OFF) SELECT count(*) FROM c1m_model m, c1m_rows r, LATERAL edupredict.explain(m.model, r.f, class => '1') e" |
  sed -n 's/.*Workers Planned: \([0-9]*\).*/\1/p')
echo "pg c1m parallel_workers=${workers:-0}"
