# Sourced by the bench/*_in_cluster.sh scripts that work on bench/forest_gen.py's uci.csv
# inside a throwaway cluster (scripts/with_cluster.sh).

# bench_database NAME: a new, empty database NAME with edupredict installed; sets the array P
# to the psql command line for it (quiet, unaligned, stop on the first error).
bench_database() {
  psql -qX -d postgres -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $1" \
    -c "CREATE DATABASE $1" >/dev/null
  P=(psql -qXAt -v ON_ERROR_STOP=1 -d "$1")
  "${P[@]}" -c 'CREATE EXTENSION edupredict CASCADE' >/dev/null
}

# uci_load DIR: loads DIR/uci.csv into table uci (rid = the row's place in the file from 0,
# the features, y, is_test), with views uci_train (features and y of the training rows),
# uci_test (every column of the test rows), and the held-out calibration recipe's split of the
# training rows: uci_fit (3 in 4, rid % 4 <> 0) and uci_cal (the 4th). Sets cols (the
# feature names, comma-separated) for the caller's own views.
uci_load() {
  local coldefs
  cols=$(head -1 "$1/uci.csv" | tr ',' '\n' | grep -v -x -e y -e is_test | paste -sd, -)
  coldefs=$(echo "$cols" | tr ',' '\n' | sed 's/$/ float8/' | paste -sd, -)
  "${P[@]}" <<SQL >/dev/null
CREATE TABLE uci_file ($coldefs, y text, is_test int);
\copy uci_file FROM '$1/uci.csv' CSV HEADER
CREATE TABLE uci AS SELECT row_number() OVER () - 1 AS rid, * FROM uci_file;
CREATE VIEW uci_train AS SELECT $cols, y FROM uci WHERE is_test = 0;
CREATE VIEW uci_test AS SELECT * FROM uci WHERE is_test = 1;
CREATE VIEW uci_fit AS SELECT $cols, y FROM uci WHERE is_test = 0 AND rid % 4 <> 0;
CREATE VIEW uci_cal AS SELECT $cols, y FROM uci WHERE is_test = 0 AND rid % 4 = 0;
VACUUM ANALYZE uci;
SQL
}
