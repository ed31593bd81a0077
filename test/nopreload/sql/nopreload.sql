-- Without shared_preload_libraries the key is an unprotected placeholder
-- until the library loads in a session, so sha256_pii refuses to run.
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
CREATE ROLE regress_nopreload_analyst;
-- A new session has not loaded the library yet:
\c
SET ROLE regress_nopreload_analyst;
-- so any role can set and read the placeholder.
SET edupredict.pii_key = 'chosen-by-an-ordinary-role-0123';
SHOW edupredict.pii_key;
RESET ROLE;
SET edupredict.pii_key = 'superuser-key-0123456789abcdef';
-- Loading the library drops the session's value (the setting is PGC_SIGHUP).
SELECT edupredict.sha256_pii('ann@example.org', 'email');
-- Once loaded, the setting is protected in this session, but still refused.
SET ROLE regress_nopreload_analyst;
SHOW edupredict.pii_key;
RESET ROLE;
SELECT edupredict.sha256_pii('ann@example.org', 'email');
SELECT edupredict.pii_key_fingerprint();

-- Small-cell suppression: edupredict.min_cell is a placeholder too until the library loads, so an
-- ordinary role could SET it to 1 and have suppress_small_cells publish cells of one tutor.  The
-- threshold is read through the library, which loads it and discards the role's value.
\c
SET ROLE regress_nopreload_analyst;
SET edupredict.min_cell = 1;
SHOW edupredict.min_cell;
CREATE TEMP TABLE cells (r text, c text, n integer);
INSERT INTO cells VALUES ('A', 'x', 1), ('A', 'y', 10), ('B', 'x', 10), ('B', 'y', 10), ('C', 'x', 20), ('C', 'y', 30);
SELECT * FROM edupredict.suppress_small_cells('cells', 'r', 'c', 'n') ORDER BY 1, 2;
SHOW edupredict.min_cell;
-- Once loaded, the setting is superuser-only.
SET edupredict.min_cell = 1;
RESET ROLE;
DROP TABLE cells;
DROP ROLE regress_nopreload_analyst;
