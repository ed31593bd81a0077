# Sourced by bench/boost_in_cluster.sh and bench/boost_pairs_in_cluster.sh:
# boost_load DIR DS loads bench/forest_gen.py's DIR/DS.csv into table DS with
# views DS_train and DS_test (the features and y), through the caller's psql
# command line in the array P.  y is text for uci, int for c* sets, float8 else.
boost_load() {
  local dir=$1 ds=$2 cols ytype coldefs
  cols=$(head -1 "$dir/$ds.csv" | tr ',' '\n' | grep -v -x -e y -e is_test | paste -sd, -)
  ytype=float8; [ "$ds" = uci ] && ytype=text
  [ "${ds:0:1}" = c ] && ytype=int
  coldefs=$(echo "$cols" | tr ',' '\n' | sed 's/$/ float8/' | paste -sd, -)
  "${P[@]}" <<SQL >/dev/null
DROP TABLE IF EXISTS $ds CASCADE;
CREATE TABLE $ds ($coldefs, y $ytype, is_test int);
\copy $ds FROM '$dir/$ds.csv' CSV HEADER
CREATE VIEW ${ds}_train AS SELECT $cols, y FROM $ds WHERE is_test = 0;
CREATE VIEW ${ds}_test AS SELECT $cols, y FROM $ds WHERE is_test = 1;
VACUUM ANALYZE $ds;
-- the load's dirty pages written now, not by the checkpointer during the timed training
CHECKPOINT;
SQL
}

# boost_train_sql PREFIX DS: psql lines that time the whole train_boosting call of
# bench/boost.sh on DS_train (issue 10's settings) and print "PREFIX train_s=...
# model_bytes=... engine_peak_bytes=...".
boost_train_sql() {
  local prefix=$1 ds=$2
  cat <<SQL
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
SELECT '$prefix train_s=' || round((extract(epoch FROM clock_timestamp()) - :t0)::numeric, 3)
       || ' model_bytes=' || model_bytes || ' engine_peak_bytes=' || (metrics->>'train_peak_bytes')
FROM edupredict.train_boosting('$ds', '${ds}_train', 'y', n_rounds => 300, learning_rate => 0.1, max_depth => 6,
                               l2 => 1, min_child_weight => 1, test_fraction => 0, seed => 42);
SQL
}
