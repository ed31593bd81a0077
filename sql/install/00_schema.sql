-- edupredict 0.1.0 install script, assembled by make from sql/install/*.sql.
\echo Use "CREATE EXTENSION edupredict" to load this file. \quit

-- The schema `edupredict` is created by CREATE EXTENSION (control file).

-- Ordinary roles call the functions; objects that need it restrict themselves.
GRANT USAGE ON SCHEMA edupredict TO PUBLIC;
