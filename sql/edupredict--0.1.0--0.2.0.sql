-- edupredict 0.1.0 -> 0.2.0 upgrade script, assembled by make from
-- sql/update/0.1.0--0.2.0/NN_*.sql (one fragment per area, sorted by name).
-- CREATE EXTENSION edupredict installs 0.1.0 and then runs this script, so a
-- fresh install and an upgraded one are the same by construction.
\echo Use "ALTER EXTENSION edupredict UPDATE TO '0.2.0'" to load this file. \quit
