-- Keyed pseudonymisation (src/pii*.c, docs/pii.md).
-- edupredict.pii_key, edupredict.pii_key_file and edupredict.pii_phone_country
-- are PGC_SIGHUP now: set in postgresql.conf (or by ALTER SYSTEM) and reload.

COMMENT ON FUNCTION edupredict.sha256_pii(text, text) IS
'lowercase hex HMAC-SHA256 of the normalised value, keyed by edupredict.pii_key or edupredict.pii_key_file; kind is text, email, name, postcode or phone; a leading 0 in a phone number becomes edupredict.pii_phone_country';

-- The country for a leading 0 travels with the call, so every node (Citus
-- workers included) and every session gives the same pseudonym.
CREATE FUNCTION edupredict.sha256_pii(value text, kind text, phone_country text)
RETURNS text
AS 'MODULE_PATHNAME', 'sha256_pii'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION edupredict.sha256_pii(text, text, text) IS
'lowercase hex HMAC-SHA256 of the normalised value, keyed by the server''s PII key; a leading 0 in a phone number becomes phone_country (1 to 4 digits) instead of the server default';

CREATE FUNCTION edupredict.pii_key_fingerprint()
RETURNS text
AS 'MODULE_PATHNAME', 'pii_key_fingerprint'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION edupredict.pii_key_fingerprint() IS
'first 8 bytes (16 hex digits) of HMAC-SHA256 under the PII key of a fixed label holding NUL bytes (edupredict, NUL, pii key fingerprint, NUL, v1; no text value holds a NUL, so it is never a pseudonym): equal on two servers exactly when they hold the same key, and reveals nothing about it; compare nodes with run_command_on_workers on Citus';

-- 0.1.0 accepted ALTER DATABASE/ROLE ... SET edupredict.pii_key.  Those values
-- are ignored now but stay readable in pg_db_role_setting, and ALTER ... RESET
-- of a PGC_SIGHUP setting is refused, so this removes them.
CREATE FUNCTION edupredict.forget_stored_pii_keys()
RETURNS integer
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  removed integer;
BEGIN
  SELECT pg_catalog.count(*)::integer INTO removed
  FROM pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) c
  WHERE pg_catalog.starts_with(pg_catalog.lower(c), 'edupredict.pii_key');

  UPDATE pg_catalog.pg_db_role_setting s
  SET setconfig = ARRAY(SELECT c FROM pg_catalog.unnest(s.setconfig) WITH ORDINALITY u(c, i)
                        WHERE NOT pg_catalog.starts_with(pg_catalog.lower(c), 'edupredict.pii_key')
                        ORDER BY i)
  WHERE EXISTS (SELECT FROM pg_catalog.unnest(s.setconfig) c
                WHERE pg_catalog.starts_with(pg_catalog.lower(c), 'edupredict.pii_key'));

  DELETE FROM pg_catalog.pg_db_role_setting
  WHERE pg_catalog.cardinality(setconfig) OPERATOR(pg_catalog.=) 0;
  RETURN removed;
END
$$;

SELECT edupredict._reset_privileges('FUNCTION', 'edupredict.forget_stored_pii_keys()');
REVOKE ALL ON FUNCTION edupredict.forget_stored_pii_keys() FROM PUBLIC;

COMMENT ON FUNCTION edupredict.forget_stored_pii_keys() IS
'superuser only: writes pg_db_role_setting, removing every stored value of edupredict.pii_key (set by ALTER DATABASE/ROLE under 0.1.0, now ignored but readable by PUBLIC); returns how many it removed';
