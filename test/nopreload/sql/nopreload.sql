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
DROP ROLE regress_nopreload_analyst;
