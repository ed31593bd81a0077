-- Keep this fragment last.  0.1.0's schema and edupredict.london_schools,
-- which no fragment re-creates, were made under the installing role's
-- default privileges too: they keep 0.1.0's grants only.  Then the helper
-- of 00_header.sql goes.
SELECT edupredict._reset_privileges('SCHEMA', 'edupredict');
GRANT USAGE ON SCHEMA edupredict TO PUBLIC;
SELECT edupredict._reset_privileges('TABLE', 'edupredict.london_schools');
GRANT SELECT ON edupredict.london_schools TO PUBLIC;

DROP FUNCTION edupredict._reset_privileges(text, text);
