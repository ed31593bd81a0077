-- sha256_pii: one transaction hashes with one key (docs/pii.md, "Key rotation")
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS dblink;
RESET client_min_messages;
-- A reload that arrives between two FETCHes of one cursor takes effect at the
-- next transaction.  Before the fix the cursor's second row came back under
-- the new key and its first under the old one, without an error.
\set pin_a '''pin-test-key-a-0123456789abcdef'''
\set pin_b '''pin-test-key-b-fedcba9876543210'''
-- This session reloads between two statements, when the postmaster signals
-- it: :wait_reload waits until it has (at most 600 statements of 0.05 s each;
-- pg_conf_load_time() is this session's last reload, t0 the one before).
\set wait_reload 'SELECT format(''SELECT pg_sleep(0.05) WHERE pg_conf_load_time() = %L'', :''t0'') FROM generate_series(1, 600) \\gexec'
\set fp_label '''\\x6564757072656469637400706969206b65792066696e6765727072696e74007631''::bytea'
ALTER SYSTEM SET edupredict.pii_key = :pin_a;
SELECT pg_reload_conf();
\c
SELECT format('dbname=%s port=%s host=%s', current_database(), current_setting('port'),
              split_part(current_setting('unix_socket_directories'), ',', 1)) AS conn \gset
-- Key A's pseudonyms, in a transaction of their own.
SELECT edupredict.sha256_pii('x1') AS a_x1, edupredict.sha256_pii('x2') AS a_x2 \gset
SELECT :'a_x1' = encode(hmac('x1', :pin_a, 'sha256'), 'hex') AND
       :'a_x2' = encode(hmac('x2', :pin_a, 'sha256'), 'hex') AS key_a_in_use;
-- A second session changes the key (ALTER SYSTEM cannot run in a transaction).
SELECT dblink_connect('pin', :'conn') AS connected;
BEGIN;
DECLARE c CURSOR FOR SELECT i, edupredict.sha256_pii('x' || i) AS h FROM generate_series(1, 2) i;
-- A cursor WITH HOLD computes the rows not yet fetched when it commits.
DECLARE held CURSOR WITH HOLD FOR SELECT i, edupredict.sha256_pii('x' || i) AS h FROM generate_series(1, 2) i;
FETCH 1 FROM c \gset c1_
FETCH 1 FROM held \gset held1_
SELECT :c1_i AS i, :'c1_h' = :'a_x1' AS cursor_under_key_a, :'held1_h' = :'a_x1' AS held_under_key_a;
SELECT pg_conf_load_time() AS t0 \gset
SELECT dblink_exec('pin', format('ALTER SYSTEM SET edupredict.pii_key = %L', :pin_b));
SELECT pg_reload_conf();
\set ECHO none
\o /dev/null
:wait_reload
\o
\set ECHO all
SELECT pg_conf_load_time() <> :'t0' AS reloaded;
-- A new session hashes with key B: the postmaster reloaded before it
-- signalled this session.
SELECT b_x1, b_x2 FROM dblink(:'conn', $$SELECT edupredict.sha256_pii('x1'), edupredict.sha256_pii('x2')$$)
  AS t(b_x1 text, b_x2 text) \gset
SELECT :'b_x1' = encode(hmac('x1', :pin_b, 'sha256'), 'hex') AND
       :'b_x2' = encode(hmac('x2', :pin_b, 'sha256'), 'hex') AS key_b_in_new_sessions;
-- The cursor's second row is still under key A, as is the rest of this transaction.
FETCH 1 FROM c \gset c2_
SELECT :c2_i AS i, :'c2_h' = :'a_x2' AS cursor_under_key_a, :'c2_h' <> :'b_x2' AS not_under_key_b;
SELECT edupredict.sha256_pii('x2') = :'a_x2' AS statement_under_key_a,
       edupredict.pii_key_fingerprint() = left(encode(hmac(:fp_label, convert_to(:pin_a, 'UTF8'), 'sha256'), 'hex'), 16)
         AS fingerprint_of_key_a;
-- Parallel workers load key B from the settings: they refuse to hash
-- (55000) rather than answer beside key A's pseudonyms.
SAVEPOINT par;
SET LOCAL force_parallel_mode = on;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SELECT edupredict.sha256_pii(g::text) FROM generate_series(1, 3) g;
ROLLBACK TO par;
FETCH 1 FROM c;
COMMIT;
FETCH ALL FROM held \gset held2_
SELECT :held2_i AS i, :'held2_h' = :'a_x2' AS held_under_key_a;
CLOSE held;
-- The next transaction hashes with key B, in the leader and in its workers.
SELECT edupredict.sha256_pii('x1') = :'b_x1' AND edupredict.sha256_pii('x2') = :'b_x2' AS next_transaction_key_b,
       edupredict.pii_key_fingerprint() = left(encode(hmac(:fp_label, convert_to(:pin_b, 'UTF8'), 'sha256'), 'hex'), 16)
         AS fingerprint_of_key_b;
SET force_parallel_mode = on;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SELECT string_agg(edupredict.sha256_pii('x' || g), ',' ORDER BY g) = :'b_x1' || ',' || :'b_x2' AS workers_key_b
FROM generate_series(1, 2) g;
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
-- The phone country that replaces a leading 0 is pinned with the key: a
-- reload of edupredict.pii_phone_country between two FETCHes changes nothing
-- until the transaction ends.
\set phone 'edupredict.sha256_pii(''020 7946 000'' || g, ''phone'')'
SELECT string_agg(:phone, ',' ORDER BY g) = encode(hmac('442079460001', :pin_b, 'sha256'), 'hex') || ',' ||
       encode(hmac('442079460002', :pin_b, 'sha256'), 'hex') AS country_44_in_use
FROM generate_series(1, 2) g;
BEGIN;
DECLARE p CURSOR FOR SELECT g, :phone AS h FROM generate_series(1, 2) g;
FETCH 1 FROM p \gset p1_
SELECT :p1_g AS g, :'p1_h' = encode(hmac('442079460001', :pin_b, 'sha256'), 'hex') AS cursor_under_country_44;
SELECT pg_conf_load_time() AS t0 \gset
SELECT dblink_exec('pin', 'ALTER SYSTEM SET edupredict.pii_phone_country = ''33''');
SELECT pg_reload_conf();
\set ECHO none
\o /dev/null
:wait_reload
\o
\set ECHO all
SELECT pg_conf_load_time() <> :'t0' AS reloaded, current_setting('edupredict.pii_phone_country') AS phone_country;
FETCH 1 FROM p \gset p2_
SELECT :p2_g AS g, :'p2_h' = encode(hmac('442079460002', :pin_b, 'sha256'), 'hex') AS cursor_under_country_44;
SELECT edupredict.sha256_pii('020 7946 0002', 'phone') = encode(hmac('442079460002', :pin_b, 'sha256'), 'hex')
  AS statement_under_country_44;
-- Parallel workers get country 33 from the settings: they refuse to hash (55000).
SAVEPOINT par;
SET LOCAL force_parallel_mode = on;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SELECT :phone FROM generate_series(1, 3) g;
ROLLBACK TO par;
COMMIT;
-- The next transaction uses country 33, in the leader and in its workers.
SELECT edupredict.sha256_pii('020 7946 0001', 'phone') = encode(hmac('332079460001', :pin_b, 'sha256'), 'hex')
  AS next_transaction_country_33;
SET force_parallel_mode = on;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SELECT string_agg(:phone, ',' ORDER BY g) = encode(hmac('332079460001', :pin_b, 'sha256'), 'hex') || ',' ||
       encode(hmac('332079460002', :pin_b, 'sha256'), 'hex') AS workers_country_33
FROM generate_series(1, 2) g;
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
SELECT dblink_disconnect('pin');
ALTER SYSTEM RESET edupredict.pii_phone_country;
ALTER SYSTEM RESET edupredict.pii_key;
SELECT pg_reload_conf();
\c
