-- sha256_pii: keyed pseudonymisation (docs/pii.md)
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
RESET client_min_messages;
\set key '''k3y-for-regression-tests-0123456789'''

-- No key: an error with a hint, never an unkeyed hash.
SELECT edupredict.sha256_pii('ann@example.org', 'email');

-- A short key is refused; the message gives sizes, never the key.
SET edupredict.pii_key = 'short-key';
SELECT edupredict.sha256_pii('ann@example.org', 'email');

SET edupredict.pii_key = :key;

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
  ('phone', '+1 (555) 010-0199', '15550100199');
SELECT kind, value,
       edupredict.sha256_pii(value, kind) = encode(hmac(normalised, :key, 'sha256'), 'hex') AS matches_pgcrypto
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

-- The country code for a leading 0 is a setting.
SET edupredict.pii_phone_country = '33';
SELECT edupredict.sha256_pii('01 23 45 67 89', 'phone') = encode(hmac('33123456789', :key, 'sha256'), 'hex') AS french_number;
SET edupredict.pii_phone_country = 'abc';
SET edupredict.pii_phone_country = '12345';
RESET edupredict.pii_phone_country;

-- A different key gives a different pseudonym.
SELECT edupredict.sha256_pii('ann@example.org', 'email') AS k1 \gset
SET edupredict.pii_key = 'another-key-0123456789-abcdef';
SELECT edupredict.sha256_pii('ann@example.org', 'email') <> :'k1' AS key_matters;
SET edupredict.pii_key = :key;

-- NULL in, NULL out (STRICT).
SELECT edupredict.sha256_pii(NULL) IS NULL AS null_value, edupredict.sha256_pii('x', NULL) IS NULL AS null_kind;

-- Values with nothing identifying left give NULL, so blanks never link rows.
SELECT kind, quote_literal(value) AS value, edupredict.sha256_pii(value, kind) IS NULL AS is_null
FROM (VALUES ('text', ''), ('email', ''), ('email', E'  \t '), ('name', '   '),
             ('postcode', ' '), ('phone', 'n/a'), ('phone', '+')) v(kind, value)
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

-- An ordinary role can hash but can neither read nor set the key.
CREATE ROLE regress_pii_analyst;
SET ROLE regress_pii_analyst;
SELECT edupredict.sha256_pii('ann@example.org', 'email') = :'k1' AS analyst_can_hash;
SHOW edupredict.pii_key;
SELECT current_setting('edupredict.pii_key');
SELECT count(*) AS visible_in_pg_settings FROM pg_settings WHERE name = 'edupredict.pii_key';
SET edupredict.pii_key = 'analyst-chosen-key-0123456789';
RESET ROLE;

-- A key stored with ALTER DATABASE sits in pg_db_role_setting, which PUBLIC can
-- read by default: that configuration is refused until the catalog is closed.
RESET edupredict.pii_key;
SELECT current_database() AS db \gset
ALTER DATABASE :"db" SET edupredict.pii_key = :key;
\c
SELECT edupredict.sha256_pii('ann@example.org', 'email');
REVOKE SELECT ON pg_catalog.pg_db_role_setting FROM PUBLIC;
SELECT edupredict.sha256_pii('ann@example.org', 'email') = :'k1' AS works_once_catalog_closed;
SET ROLE regress_pii_analyst;
SELECT count(*) FROM pg_catalog.pg_db_role_setting;
SELECT edupredict.sha256_pii('ann@example.org', 'email') = :'k1' AS analyst_uses_database_key;
RESET ROLE;
GRANT SELECT ON pg_catalog.pg_db_role_setting TO PUBLIC;
ALTER DATABASE :"db" RESET edupredict.pii_key;
DROP ROLE regress_pii_analyst;
