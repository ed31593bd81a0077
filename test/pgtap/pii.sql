-- sha256_pii: labels, setting contexts and SQLSTATEs of the error paths that
-- need no key (the suite's cluster has none; sql/pii.sql sets one by reload).
BEGIN;
SELECT plan(28);

SELECT has_function('edupredict', 'sha256_pii', ARRAY['text', 'text']);
SELECT has_function('edupredict', 'sha256_pii', ARRAY['text', 'text', 'text']);
SELECT has_function('edupredict', 'pii_key_fingerprint', '{}'::name[]);
SELECT volatility_is('edupredict', 'sha256_pii', ARRAY['text', 'text'], 'stable');
SELECT volatility_is('edupredict', 'sha256_pii', ARRAY['text', 'text', 'text'], 'stable');
SELECT volatility_is('edupredict', 'pii_key_fingerprint', '{}'::name[], 'stable');
SELECT is_strict('edupredict', 'sha256_pii', ARRAY['text', 'text']);
SELECT is_strict('edupredict', 'sha256_pii', ARRAY['text', 'text', 'text']);
SELECT is((SELECT array_agg(DISTINCT proparallel) FROM pg_proc
           WHERE oid IN ('edupredict.sha256_pii(text,text)'::regprocedure,
                         'edupredict.sha256_pii(text,text,text)'::regprocedure,
                         'edupredict.pii_key_fingerprint()'::regprocedure)),
          ARRAY['s'::"char"], 'sha256_pii and pii_key_fingerprint are PARALLEL SAFE');
SELECT volatility_is('edupredict', 'forget_stored_pii_keys', '{}'::name[], 'volatile');
SELECT ok(NOT has_function_privilege('public', 'edupredict.forget_stored_pii_keys()', 'EXECUTE'),
          'forget_stored_pii_keys is not executable by PUBLIC');

-- Only the server configuration can set these (PGC_SIGHUP).
SELECT is((SELECT array_agg(context ORDER BY name) FROM pg_settings
           WHERE name IN ('edupredict.pii_key_file', 'edupredict.pii_phone_country')),
          ARRAY['sighup', 'sighup'], 'key file and phone country are sighup settings');
SELECT is((SELECT count(*) FROM pg_settings WHERE name = 'edupredict.pii_key'), 0::bigint,
          'the key is not listed in pg_settings');
SELECT throws_ok($$SET LOCAL edupredict.pii_key = 'pgtap-key-0123456789abcdef'$$, '55P02',
                 'parameter "edupredict.pii_key" cannot be changed now', 'SET LOCAL of the key: 55P02');
SELECT throws_ok($$SELECT set_config('EDUPREDICT.PII_KEY', 'pgtap-key-0123456789abcdef', true)$$, '55P02',
                 NULL, 'set_config of the key in upper case: 55P02');
SELECT throws_ok($$SET LOCAL edupredict.pii_key_file = 'pii.key'$$, '55P02', NULL, 'SET of the key file: 55P02');
SELECT throws_ok($$SET LOCAL edupredict.pii_phone_country = '33'$$, '55P02', NULL, 'SET of the phone country: 55P02');
SELECT throws_ok($$SET LOCAL edupredict.no_such_setting = '1'$$, '42602', NULL, 'reserved prefix: 42602');

SELECT throws_ok($$SELECT edupredict.sha256_pii('a')$$, '55000', 'edupredict.pii_key is not set', 'no key: 55000');
SELECT throws_ok($$SELECT edupredict.pii_key_fingerprint()$$, '55000', 'edupredict.pii_key is not set',
                 'no key, no fingerprint: 55000');
-- Arguments are checked before the key.
SELECT throws_ok($$SELECT edupredict.sha256_pii('a', 'ssn')$$, '22023', 'unknown kind for sha256_pii', 'unknown kind: 22023');
SELECT throws_ok($$SELECT edupredict.sha256_pii('01', 'phone', '0')$$, '22023', 'invalid phone_country for sha256_pii',
                 'phone_country starting with 0: 22023');
SELECT throws_ok($$SELECT edupredict.sha256_pii('01', 'phone', '44a')$$, '22023', 'invalid phone_country for sha256_pii',
                 'phone_country with a letter: 22023');

CREATE ROLE regress_tap_analyst;
SET LOCAL ROLE regress_tap_analyst;
SELECT throws_ok($$SHOW edupredict.pii_key$$, '42501', NULL, 'ordinary role cannot SHOW the key');
SELECT throws_ok($$SELECT current_setting('edupredict.pii_key_file')$$, '42501', NULL, 'ordinary role cannot read the key file path');
SELECT throws_ok($$SET LOCAL edupredict.pii_key = 'analyst-key-0123456789'$$, '55P02', NULL, 'ordinary role cannot set the key');
SELECT throws_ok($$SELECT edupredict.forget_stored_pii_keys()$$, '42501', NULL, 'ordinary role cannot edit pg_db_role_setting');
SELECT throws_ok($$SELECT edupredict.sha256_pii('a', 'email')$$, '55000', NULL, 'ordinary role gets the same no-key error');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
