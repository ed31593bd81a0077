-- sha256_pii: labels and SQLSTATEs of every error path.
BEGIN;
SELECT plan(14);

SELECT has_function('edupredict', 'sha256_pii', ARRAY['text', 'text']);
SELECT volatility_is('edupredict', 'sha256_pii', ARRAY['text', 'text'], 'stable');
SELECT is_strict('edupredict', 'sha256_pii', ARRAY['text', 'text']);
SELECT is((SELECT proparallel FROM pg_proc WHERE oid = 'edupredict.sha256_pii(text,text)'::regprocedure),
          's'::"char", 'sha256_pii is PARALLEL SAFE');

SET LOCAL edupredict.pii_key = '';
SELECT throws_ok($$SELECT edupredict.sha256_pii('a')$$, '55000', 'edupredict.pii_key is not set', 'no key: 55000');
SET LOCAL edupredict.pii_key = 'too-short';
SELECT throws_ok($$SELECT edupredict.sha256_pii('a')$$, '22023', 'edupredict.pii_key is too short', 'short key: 22023');
SET LOCAL edupredict.pii_key = 'pgtap-key-0123456789abcdef';
SELECT throws_ok($$SELECT edupredict.sha256_pii('a', 'ssn')$$, '22023', 'unknown kind for sha256_pii', 'unknown kind: 22023');
SELECT throws_ok($$SELECT edupredict.sha256_pii(repeat('a', 1048577))$$, '54000', 'value too long for sha256_pii', 'too long: 54000');
SELECT throws_ok($$SET LOCAL edupredict.pii_phone_country = '4x'$$, '22023', NULL, 'bad phone country: 22023');
SELECT throws_ok($$SET LOCAL edupredict.no_such_setting = '1'$$, '42602', NULL, 'reserved prefix: 42602');

CREATE ROLE regress_tap_analyst;
SET LOCAL ROLE regress_tap_analyst;
SELECT throws_ok($$SHOW edupredict.pii_key$$, '42501', NULL, 'ordinary role cannot SHOW the key');
SELECT throws_ok($$SELECT current_setting('edupredict.pii_key')$$, '42501', NULL, 'ordinary role cannot read the key');
SELECT throws_ok($$SET LOCAL edupredict.pii_key = 'analyst-key-0123456789'$$, '42501', NULL, 'ordinary role cannot set the key');
SELECT lives_ok($$SELECT edupredict.sha256_pii('a', 'email')$$, 'ordinary role can hash');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
