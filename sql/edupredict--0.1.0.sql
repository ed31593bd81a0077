-- edupredict 0.1.0 install script, assembled by make from sql/install/*.sql.
\echo Use "CREATE EXTENSION edupredict" to load this file. \quit

-- The schema `edupredict` is created by CREATE EXTENSION (control file).

-- Ordinary roles call the functions; objects that need it restrict themselves.
GRANT USAGE ON SCHEMA edupredict TO PUBLIC;

-- Keyed pseudonymisation (src/pii.c, docs/pii.md).
CREATE FUNCTION edupredict.sha256_pii(value text, kind text DEFAULT 'text')
RETURNS text
AS 'MODULE_PATHNAME', 'sha256_pii'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION edupredict.sha256_pii(text, text) IS
'lowercase hex HMAC-SHA256 of the normalised value, keyed by edupredict.pii_key; kind is text, email, name, postcode or phone';
