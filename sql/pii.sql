-- sha256_pii: keyed pseudonymisation (docs/pii.md)
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
RESET client_min_messages;
-- Two keys of the same length: a cache keyed on the length would confuse them.
\set key '''k3y-for-regression-tests-0123456789'''
\set key2 '''second-key-for-the-tests-9876543210'''
-- The first key with its last byte changed, and with one byte more: a
-- fingerprint that read only a prefix of the key would confuse them.
\set key3 '''k3y-for-regression-tests-012345678X'''
\set key4 '''k3y-for-regression-tests-0123456789!'''
SELECT length(:key) = length(:key2) AS same_length, :key <> :key2 AS different,
       length(:key3) = length(:key) AND left(:key3, -1) = left(:key, -1) AS key3_differs_in_last_byte,
       left(:key4, -1) = :key AS key4_extends_key;
-- The fingerprint's label: NUL bytes, which no text value holds.
\set fp_label '''\\x6564757072656469637400706969206b65792066696e6765727072696e74007631''::bytea'
SELECT encode(:fp_label, 'escape') AS fp_label;

-- No key: an error with a hint, never an unkeyed hash.
SELECT edupredict.sha256_pii('ann@example.org', 'email');
SELECT edupredict.pii_key_fingerprint();

-- SQL cannot set the key, in any spelling (the settings are PGC_SIGHUP).
SET edupredict.pii_key = :key;
SET EDUPREDICT.PII_KEY = :key;
SET "edupredict"."pii_key" = :key;
SET U&"edupredict\002epii\005fkey" = :key;
BEGIN;
SET LOCAL Edupredict.Pii_Key = :key;
ROLLBACK;
SELECT set_config('edupredict.' || 'pii_key', :key, false);
SELECT set_config('EDUPREDICT.PII_KEY', :key, true);
SELECT set_config(E'edupredict\u002epii_key', :key, false);
PREPARE set_setting(text, text) AS SELECT set_config($1, $2, false);
EXECUTE set_setting('Edupredict.Pii_Key', :key);
DO $$BEGIN PERFORM pg_catalog.set_config('edupredict.pii_key', 'k3y-from-plpgsql-0123456789', false); END$$;
CREATE ROLE regress_pii_analyst;
ALTER ROLE regress_pii_analyst SET EDUPREDICT.PII_KEY = :key;
SELECT current_database() AS db \gset
ALTER DATABASE :"db" SET edupredict.pii_key = :key;
ALTER ROLE regress_pii_analyst IN DATABASE :"db" SET edupredict.pii_key = :key;
-- The same for the key file and the default phone country.
SET edupredict.pii_key_file = 'pii.key';
SELECT set_config('edupredict.pii_phone_country', '33', false);
ALTER ROLE regress_pii_analyst SET edupredict.pii_phone_country = '33';
-- None of that set a key.
SELECT edupredict.sha256_pii('ann@example.org', 'email');

-- ALTER SYSTEM validates without echoing the value.
ALTER SYSTEM SET edupredict.pii_key = 'short-key';
ALTER SYSTEM SET edupredict.pii_key_file = 'no/such/pii.key';
ALTER SYSTEM SET edupredict.pii_phone_country = '0';
ALTER SYSTEM SET edupredict.pii_phone_country = '12345';
ALTER SYSTEM SET edupredict.pii_phone_country = 'abc';

-- The supported way: ALTER SYSTEM (or postgresql.conf) and a reload.  The
-- postmaster reloads before it accepts the next connection, so \c sees it.
ALTER SYSTEM SET edupredict.pii_key = :key;
SELECT pg_reload_conf();
\c
-- The fingerprint is a keyed digest of a fixed label, reproducible with pgcrypto.
SELECT edupredict.pii_key_fingerprint() AS fp_key \gset
SELECT :'fp_key' ~ '^[0-9a-f]{16}$' AS fingerprint_hex,
       :'fp_key' = left(encode(hmac(:fp_label, convert_to(:key, 'UTF8'), 'sha256'), 'hex'), 16) AS fingerprint_matches;
-- It shows nothing of the key: no part of it, no plain hash of it, and it is
-- no pseudonym (not even of the label's text without its NUL bytes).
SELECT strpos(:key, :'fp_key') = 0 AND strpos(encode(convert_to(:key, 'UTF8'), 'hex'), :'fp_key') = 0
         AND strpos(:'fp_key', left(encode(convert_to(:key, 'UTF8'), 'hex'), 4)) = 0 AS key_not_in_it,
       :'fp_key' NOT IN (left(encode(sha256(convert_to(:key, 'UTF8')), 'hex'), 16), left(md5(:key), 16),
                         right(encode(sha256(convert_to(:key, 'UTF8')), 'hex'), 16)) AS not_a_plain_hash,
       :'fp_key' NOT IN (left(edupredict.sha256_pii('edupredict key fingerprint'), 16),
                         left(edupredict.sha256_pii('edupredictpii key fingerprintv1'), 16),
                         left(edupredict.sha256_pii('edupredict pii key fingerprint v1'), 16)) AS not_a_pseudonym;
-- The same key gives the same fingerprint in every session.
\c
SELECT edupredict.pii_key_fingerprint() = :'fp_key' AS same_key_same_fingerprint;
-- The value is never shown, even to a superuser.
SHOW edupredict.pii_key;
SELECT current_setting('edupredict.pii_key') AS current_setting;

-- 64 lowercase hex characters.
SELECT length(h) AS len, h ~ '^[0-9a-f]{64}$' AS lower_hex
FROM (SELECT edupredict.sha256_pii('ann@example.org', 'email') AS h) s;

-- Equal to pgcrypto's HMAC of the normalised value, kind by kind.
CREATE TEMP TABLE samples (kind text, value text, normalised text);
INSERT INTO samples VALUES
  ('text', 'Hello, World', 'Hello, World'),
  ('text', '  keeps spaces  ', '  keeps spaces  '),
  ('text', E'Jos\u0065\u0301', E'Jos\u00e9'),              -- decomposed e + accent -> NFC
  ('email', '  Ann.Lee@Example.ORG ', 'ann.lee@example.org'),
  ('email', E'\tbob@x.org\n', 'bob@x.org'),
  ('email', E'ZO\u0045\u0301@X.FR', E'zo\u00e9@x.fr'),
  ('name', '  Ann   Marie  LEE ', 'ann marie lee'),
  ('name', E'Chlo\u0065\u0301\t Dupont', E'chlo\u00e9 dupont'),
  ('name', E'\u00c9LODIE', E'\u00e9lodie'),
  ('postcode', ' sw1a 1aa ', 'SW1A1AA'),
  ('postcode', E'ec1v\t9ht', 'EC1V9HT'),
  ('phone', '020 7946 0000', '442079460000'),
  ('phone', '+44 20 7946 0000', '442079460000'),
  ('phone', '+44 (0)20 7946 0000', '442079460000'),
  ('phone', '0044 20 7946 0000', '442079460000'),
  ('phone', '(01632) 960-123', '441632960123'),
  ('phone', '+1 (555) 010-0199', '15550100199'),
  ('phone', '+7 495 123 45 67', '74951234567'),
  ('phone', '+353 1 234 5678', '35312345678'),
  ('phone', '+1', NULL),
  ('phone', '+33 1', '331');
SELECT kind, value,
       edupredict.sha256_pii(value, kind) IS NOT DISTINCT FROM encode(hmac(normalised, :key, 'sha256'), 'hex') AS matches_pgcrypto
FROM samples ORDER BY kind, value;

-- The normalisation rules, stated as SQL, agree with the C code on real rows.
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE edupredict.sha256_pii(v, 'email')
         = encode(hmac(normalize(lower(btrim(v, E' \t\n\r\v\f')), NFC), :key, 'sha256'), 'hex')) AS email_ok,
       count(*) FILTER (WHERE edupredict.sha256_pii(v, 'name')
         = encode(hmac(normalize(lower(regexp_replace(btrim(v, E' \t\n\r\v\f'), E'[ \t\n\r\v\f]+', ' ', 'g')), NFC), :key, 'sha256'), 'hex')) AS name_ok,
       count(*) FILTER (WHERE edupredict.sha256_pii(v, 'text')
         = encode(hmac(normalize(v, NFC), :key, 'sha256'), 'hex')) AS text_ok
FROM (SELECT format('  %s.%s%s@School-%s.Example.ORG ', initcap(w), upper(w), i, i % 7) AS v
      FROM generate_series(1, 200) i, LATERAL (SELECT md5(i::text) AS w) m) s;

-- The kind defaults to text.
SELECT edupredict.sha256_pii('abc') = edupredict.sha256_pii('abc', 'text') AS default_is_text;

-- Variants of one person map to one pseudonym.
SELECT count(DISTINCT edupredict.sha256_pii(v, 'phone')) AS phone_pseudonyms
FROM unnest(ARRAY['020 7946 0000', '+44 20 7946 0000', '+44 (0)20 7946 0000', '0044 20 7946 0000', '442079460000']) v;

-- The country for a leading 0 can be named in the call; the server default is 44.
SELECT edupredict.sha256_pii('01 23 45 67 89', 'phone', '33') = encode(hmac('33123456789', :key, 'sha256'), 'hex') AS french_number,
       edupredict.sha256_pii('020 7946 0000', 'phone', '44') = edupredict.sha256_pii('020 7946 0000', 'phone') AS default_is_44,
       edupredict.sha256_pii('+44 20 7946 0000', 'phone', '33') = edupredict.sha256_pii('+44 20 7946 0000', 'phone') AS international_ignores_it,
       edupredict.sha256_pii('Ann', 'name', '33') = edupredict.sha256_pii('Ann', 'name') AS other_kinds_ignore_it;
SELECT edupredict.sha256_pii('01 23', 'phone', '0');
SELECT edupredict.sha256_pii('01 23', 'phone', '12345');
SELECT edupredict.sha256_pii('01 23', 'phone', '3x');
SELECT edupredict.sha256_pii('01 23', 'phone', '');
SELECT edupredict.sha256_pii('01 23', 'phone', NULL) IS NULL AS null_country;

-- The server default is changed by a reload too, for every session alike.
ALTER SYSTEM SET edupredict.pii_phone_country = '33';
SELECT pg_reload_conf();
\c
SHOW edupredict.pii_phone_country;
SELECT edupredict.sha256_pii('01 23 45 67 89', 'phone') = encode(hmac('33123456789', :key, 'sha256'), 'hex') AS server_default_33;
-- The argument overrides the setting; naming the setting's value gives the
-- setting's pseudonyms, for every number.
SELECT edupredict.sha256_pii('01 23 45 67 89', 'phone', '44') = encode(hmac('44123456789', :key, 'sha256'), 'hex') AS argument_overrides_setting,
       edupredict.sha256_pii('01 23 45 67 89', 'phone', '44') <> edupredict.sha256_pii('01 23 45 67 89', 'phone') AS differs_from_setting;
SELECT count(*) AS numbers,
       count(*) FILTER (WHERE edupredict.sha256_pii(v, 'phone', '33') = edupredict.sha256_pii(v, 'phone')) AS same_as_setting,
       count(*) FILTER (WHERE edupredict.sha256_pii(v, 'phone', '44') = edupredict.sha256_pii(v, 'phone')) AS same_under_44
FROM (SELECT format('0%s %s', 1 + i % 9, 10000000 + i * 7919) AS v FROM generate_series(1, 200) i) s;
ALTER SYSTEM RESET edupredict.pii_phone_country;
SELECT pg_reload_conf();
\c

-- NULL in, NULL out (STRICT).
SELECT edupredict.sha256_pii(NULL) IS NULL AS null_value, edupredict.sha256_pii('x', NULL) IS NULL AS null_kind;

-- Values with nothing identifying left give NULL, so blanks never link rows:
-- a phone number needs digits after its trunk prefix or country code.
SELECT kind, quote_literal(value) AS value, edupredict.sha256_pii(value, kind) IS NULL AS is_null
FROM (VALUES ('text', ''), ('email', ''), ('email', E'  \t '), ('name', '   '),
             ('postcode', ' '), ('phone', 'n/a'), ('phone', '+'), ('phone', '00'),
             ('phone', '0'), ('phone', '000'), ('phone', '+0'), ('phone', '+(0)'),
             ('phone', '+44'), ('phone', '+44 (0)'), ('phone', '0044'), ('phone', '+1 '),
             ('phone', '+353'), ('phone', '+0 20 7946 0000'), ('phone', '0 1'), ('phone', '44')) v(kind, value)
ORDER BY 1, 2;

-- Unknown kinds name the valid ones; kinds are case-sensitive.
SELECT edupredict.sha256_pii('x', 'ssn');
SELECT edupredict.sha256_pii('x', 'EMAIL');
SELECT edupredict.sha256_pii('x', '');

-- Very long values: 1 MiB is accepted, more is refused without echoing it.
SELECT length(edupredict.sha256_pii(repeat('a', 1048576))) AS one_mib;
SELECT edupredict.sha256_pii(repeat('a', 1048577));
SELECT edupredict.sha256_pii(repeat('x', 2000000), 'email');
-- Long runs of combining marks are refused: Unicode normalisation sorts each
-- run in quadratic time that cannot be cancelled (half an hour for 1 MiB).
-- Accented letters start a new run; 64 marks in a row are fine, 129 are not.
SELECT edupredict.sha256_pii(E'a' || repeat(E'\u0301\u0316', 250000), 'name');
SELECT edupredict.sha256_pii(E'a' || repeat(E'\u0301\u0316', 65), 'text');
SELECT edupredict.sha256_pii(repeat(E'\U0001D16D\U0001D165', 65), 'text');
SELECT edupredict.sha256_pii(E'a' || repeat(E'\u0301\u0316', 32), 'text')
     = edupredict.sha256_pii(E'a' || repeat(E'\u0316\u0301', 32), 'text') AS canonical_order,
       length(edupredict.sha256_pii(repeat(E'\u00e9', 5000) || repeat(E'a\u0301\u0316', 1000), 'name')) AS accented_ok,
       length(edupredict.sha256_pii(repeat('a' || repeat(E'\u0301\u0316', 64), 4000), 'text')) AS runs_of_128_ok;

-- A mistyped edupredict.* setting is an error, not a silent placeholder.
SET edupredict.pii_kye = 'typo';

-- An ordinary role can hash and fingerprint, but can neither read nor set the key.
SELECT edupredict.sha256_pii('ann@example.org', 'email') AS k1, edupredict.pii_key_fingerprint() AS fp1 \gset
SET ROLE regress_pii_analyst;
SELECT edupredict.sha256_pii('ann@example.org', 'email') = :'k1' AS analyst_can_hash,
       edupredict.pii_key_fingerprint() = :'fp1' AS analyst_sees_fingerprint;
SHOW edupredict.pii_key;
SHOW edupredict.pii_key_file;
SELECT current_setting('edupredict.pii_key');
SELECT count(*) AS visible_in_pg_settings FROM pg_settings WHERE name = 'edupredict.pii_key';
SET edupredict.pii_key = 'analyst-chosen-key-0123456789';
ALTER SYSTEM SET edupredict.pii_key = 'analyst-chosen-key-0123456789';
-- Nor tell parallel workers that another key is their leader's.
SET edupredict.pii_leader_key_fingerprint = '';
SELECT set_config('edupredict.pii_leader_key_fingerprint', '', false);
SELECT edupredict.forget_stored_pii_keys();
RESET ROLE;

-- A member of pg_read_all_settings reads the settings, but neither the key
-- nor the digest of it that parallel workers check.
CREATE ROLE regress_pii_settings_reader IN ROLE pg_read_all_settings;
SET ROLE regress_pii_settings_reader;
SHOW edupredict.pii_key;
SELECT current_setting('edupredict.pii_leader_key_fingerprint') AS leader_key_digest;
SHOW edupredict.pii_leader_key_fingerprint;
SELECT count(*) AS visible_in_pg_settings FROM pg_settings WHERE name = 'edupredict.pii_leader_key_fingerprint';
RESET ROLE;
DROP ROLE regress_pii_settings_reader;

-- Another key of the same length changes every pseudonym, and each one is
-- pgcrypto's HMAC under the new key.
CREATE TABLE pii_switch AS
SELECT kind, v, edupredict.sha256_pii(v, kind) AS h1
FROM (SELECT 'email' AS kind, format('pupil%s@school%s.example.org', i, i % 9) AS v FROM generate_series(1, 300) i
      UNION ALL SELECT 'postcode', format('sw%s %sab', i % 20, i % 10) FROM generate_series(1, 100) i
      UNION ALL SELECT 'text', md5(i::text) FROM generate_series(1, 100) i) s;
ALTER SYSTEM SET edupredict.pii_key = :key2;
SELECT pg_reload_conf();
\c
SELECT count(*) AS n,
       count(*) FILTER (WHERE edupredict.sha256_pii(v, kind) <> h1) AS changed,
       count(*) FILTER (WHERE edupredict.sha256_pii(v, kind) = encode(hmac(
         CASE kind WHEN 'email' THEN lower(v) WHEN 'postcode' THEN upper(replace(v, ' ', '')) ELSE v END,
         :key2, 'sha256'), 'hex')) AS match_new_key,
       count(DISTINCT edupredict.sha256_pii(v, kind)) AS distinct_pseudonyms
FROM pii_switch;
SELECT edupredict.pii_key_fingerprint() <> :'fp1' AS fingerprint_changed,
       edupredict.pii_key_fingerprint() = left(encode(hmac(:fp_label, convert_to(:key2, 'UTF8'), 'sha256'), 'hex'), 16) AS fingerprint_of_key2;
DROP TABLE pii_switch;

-- 0.1.0 accepted ALTER ROLE/DATABASE SET edupredict.pii_key, which stored the
-- key in pg_db_role_setting (readable by PUBLIC).  Such a leftover, now
-- ignored, is refused until removed.  (Planted directly: SQL cannot store one.)
INSERT INTO pg_db_role_setting
VALUES (0, 'regress_pii_analyst'::regrole, ARRAY['search_path=public', 'EDUPREDICT.PII_KEY=' || :key]);
\c
SELECT edupredict.sha256_pii('ann@example.org', 'email');
SELECT edupredict.forget_stored_pii_keys() AS removed;
SELECT setconfig FROM pg_db_role_setting WHERE setrole = 'regress_pii_analyst'::regrole;
SELECT edupredict.sha256_pii('ann@example.org', 'email') IS NOT NULL AS works_again;
-- Not refused while PUBLIC cannot read the catalog.
UPDATE pg_db_role_setting SET setconfig = setconfig || ('edupredict.pii_key=' || :key)
WHERE setrole = 'regress_pii_analyst'::regrole;
REVOKE SELECT ON pg_catalog.pg_db_role_setting FROM PUBLIC;
\c
SELECT edupredict.sha256_pii('ann@example.org', 'email') IS NOT NULL AS works_with_catalog_closed;
GRANT SELECT ON pg_catalog.pg_db_role_setting TO PUBLIC;
SELECT edupredict.forget_stored_pii_keys() AS removed;
ALTER ROLE regress_pii_analyst RESET ALL;

-- The key's last byte, and a byte more, change the fingerprint.
ALTER SYSTEM SET edupredict.pii_key = :key3;
SELECT pg_reload_conf();
\c
SELECT edupredict.pii_key_fingerprint() AS fp3 \gset
SELECT :'fp3' <> :'fp_key' AS last_byte_changes_it,
       :'fp3' = left(encode(hmac(:fp_label, convert_to(:key3, 'UTF8'), 'sha256'), 'hex'), 16) AS fingerprint_of_key3;
ALTER SYSTEM SET edupredict.pii_key = :key4;
SELECT pg_reload_conf();
\c
SELECT edupredict.pii_key_fingerprint() NOT IN (:'fp_key', :'fp3') AS longer_key_changes_it,
       edupredict.pii_key_fingerprint() = left(encode(hmac(:fp_label, convert_to(:key4, 'UTF8'), 'sha256'), 'hex'), 16) AS fingerprint_of_key4;

-- (scripts/run_log_test.sh checks a key file gives the same fingerprint: COPY
-- cannot write one readable by the server's account only.)
ALTER SYSTEM RESET edupredict.pii_key;
SELECT pg_reload_conf();
\c
-- No key: the fingerprint is an error (55000), as sha256_pii is.
SELECT edupredict.pii_key_fingerprint();
DROP ROLE regress_pii_analyst;
