-- A call site's cached model never outlives the rights and the rows it was
-- looked up with.  PL/pgSQL keeps a simple expression's state (and so the
-- cached model of its predict() call) for the whole transaction: across
-- SET ROLE, across a SECURITY DEFINER caller and its caller, across a revoke,
-- a deploy or a drop.  Each call below reuses such a call site.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
\set SHOW_CONTEXT never

CREATE ROLE regress_rc_alice;               -- owns regress_rc_m
CREATE ROLE regress_rc_bob;                 -- an analyst, not granted it (at first)
GRANT edupredict_user TO regress_rc_alice, regress_rc_bob;
CREATE SCHEMA regress_rc;
GRANT USAGE ON SCHEMA regress_rc TO PUBLIC;
CREATE TABLE regress_rc.pupils AS
SELECT x::float8 AS score, (x % 3)::float8 AS absences,
       CASE WHEN x > 10 THEN 'pass' ELSE 'fail' END AS outcome
FROM generate_series(1, 20) x;
GRANT SELECT ON regress_rc.pupils TO PUBLIC;
-- SQLSTATE and message of a statement run as the current role
CREATE FUNCTION regress_rc.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    EXECUTE q INTO r;
    RETURN 'ok: ' || r;
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
-- one call site each, kept by PL/pgSQL for the transaction
CREATE FUNCTION regress_rc.p(x float8) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN RETURN edupredict.predict('regress_rc_m', ARRAY[x, 0]); END $$;
CREATE FUNCTION regress_rc.p_row(x float8) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN RETURN edupredict.predict('regress_rc_m', ROW(x, 0::float8, NULL::text)::regress_rc.pupils); END $$;
CREATE FUNCTION regress_rc.proba(x float8) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN RETURN edupredict.predict_proba('regress_rc_m', ARRAY[x, 0])::text; END $$;
CREATE FUNCTION regress_rc.label(x float8) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN RETURN edupredict.predict_label('regress_rc_m', ROW(x, 0::float8, NULL::text)::regress_rc.pupils, NULL, 0.5); END $$;
CREATE FUNCTION regress_rc.base() RETURNS text LANGUAGE plpgsql AS
$$ BEGIN RETURN round(edupredict.explain_base_value('regress_rc_m')::numeric, 3)::text; END $$;
CREATE FUNCTION regress_rc.classes() RETURNS text LANGUAGE plpgsql AS
$$ BEGIN RETURN edupredict.model_classes('regress_rc_m', NULL)::text; END $$;
CREATE FUNCTION regress_rc.by_ref(r edupredict.model_ref, x float8) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN RETURN edupredict.predict_by_ref(r, ARRAY[x, 0], NULL); END $$;
CREATE VIEW regress_rc.calls(f) AS VALUES
  ('regress_rc.p(15)'), ('regress_rc.p_row(15)'), ('regress_rc.proba(15)'),
  ('regress_rc.label(15)'), ('regress_rc.base()'), ('regress_rc.classes()');
GRANT SELECT ON regress_rc.calls TO PUBLIC;
-- every call, as the current role, in this transaction
CREATE FUNCTION regress_rc.all_calls() RETURNS TABLE (f text, result text) LANGUAGE sql AS
$$ SELECT f, regress_rc.try('SELECT ' || f || '::text') FROM regress_rc.calls ORDER BY f $$;

SET ROLE regress_rc_alice;
SELECT name, version FROM edupredict.train_forest('regress_rc_m', 'regress_rc.pupils', 'outcome',
                                                  ARRAY['score', 'absences'], n_trees => 3, test_fraction => 0);
RESET ROLE;

-- 1. SET ROLE in one transaction: alice's calls cache the model, bob's must not use it
BEGIN;
SET ROLE regress_rc_alice;
SELECT * FROM regress_rc.all_calls();
SET ROLE regress_rc_bob;
SELECT * FROM regress_rc.all_calls();
-- and plain statements (a new call site each)
SELECT edupredict.predict('regress_rc_m', ARRAY[15, 0]::float8[]);
ROLLBACK;

-- 2. the same after a superuser's calls, with SET SESSION AUTHORIZATION
BEGIN;
SELECT * FROM regress_rc.all_calls();
SET SESSION AUTHORIZATION regress_rc_bob;
SELECT * FROM regress_rc.all_calls();
ROLLBACK;

-- 3. a SECURITY DEFINER function of alice's and its caller share the call site
-- (no SET clause: a function's own settings would make PL/pgSQL plan p's call again)
CREATE FUNCTION regress_rc.as_alice() RETURNS text LANGUAGE plpgsql SECURITY DEFINER AS
$$ BEGIN RETURN regress_rc.p(15); END $$;
ALTER FUNCTION regress_rc.as_alice() OWNER TO regress_rc_alice;
BEGIN;
SET ROLE regress_rc_bob;
SELECT regress_rc.as_alice() AS as_alice;          -- alice's rights: her model
SELECT regress_rc.try('SELECT regress_rc.p(15)') AS as_bob;
ROLLBACK;

-- 4. granted, then revoked, while bob's call site holds the model
BEGIN;
SET ROLE regress_rc_alice;
SELECT edupredict.grant_model('regress_rc_m', 'regress_rc_bob');
SET ROLE regress_rc_bob;
SELECT * FROM regress_rc.all_calls();
SET ROLE regress_rc_alice;
SELECT edupredict.revoke_model('regress_rc_m', 'regress_rc_bob');
SET ROLE regress_rc_bob;
SELECT * FROM regress_rc.all_calls();
ROLLBACK;

-- 5. alice's own call sites see her new deployed version and her drop
BEGIN;
SET ROLE regress_rc_alice;
SELECT regress_rc.classes() AS v1_classes, regress_rc.p(15) AS v1;
CREATE TEMP TABLE flipped AS
SELECT score, absences, CASE outcome WHEN 'pass' THEN 'fail' ELSE 'pass' END AS outcome
FROM regress_rc.pupils;
SELECT version FROM edupredict.train_forest('regress_rc_m', 'flipped', 'outcome',
                                            ARRAY['score', 'absences'], n_trees => 3, test_fraction => 0);
SELECT version, deployed FROM edupredict.deploy('regress_rc_m', 2);
SELECT regress_rc.p(15) AS v2;
SELECT edupredict.drop_model('regress_rc_m', 2);
SELECT regress_rc.p(15) AS v1_again;
SELECT edupredict.drop_model('regress_rc_m');
SELECT * FROM regress_rc.all_calls();
ROLLBACK;

-- 6. model_ref: a reference bob makes by hand to alice's row (its id and row
-- version, his own bytes) is never scored with the model parsed for the superuser
SELECT (edupredict.model_ref_lookup('regress_rc_m', NULL, 0)).* \gset ref_
BEGIN;
SELECT regress_rc.by_ref(edupredict.model_ref_lookup('regress_rc_m', NULL, 0), 15) AS superuser;
SET ROLE regress_rc_bob;
SELECT regress_rc.try(format($$SELECT regress_rc.by_ref(ROW(%L, %s, %L, '\x00'::bytea)::edupredict.model_ref, 15)$$,
                             :'ref_name', :ref_id, :'ref_row_version')) AS forged;
ROLLBACK;

-- 7. the other registry functions look the model up on every call
BEGIN;
SELECT count(*) FROM edupredict.feature_importance('regress_rc_m', NULL);
SELECT count(*) FROM edupredict.evaluate('regress_rc_m', 'regress_rc.pupils', NULL);
SET ROLE regress_rc_bob;
SELECT regress_rc.try($$SELECT count(*) FROM edupredict.feature_importance('regress_rc_m', NULL)$$);
SELECT regress_rc.try($$SELECT count(*) FROM edupredict.evaluate('regress_rc_m', 'regress_rc.pupils', NULL)$$);
SELECT regress_rc.try($$SELECT count(*) FROM edupredict.drift('regress_rc_m', 'regress_rc.pupils')$$);
SELECT regress_rc.try($$SELECT count(*) FROM edupredict.explain('regress_rc_m', ARRAY[15, 0]::float8[])$$);
ROLLBACK;

-- 8. a grant rolled back to a savepoint: bob's call sites held the model
-- while the grant stood and must not after ROLLBACK TO, nor may a plain
-- statement or evaluate see it, then or after COMMIT.  bob_sees: every call
-- site, the registry rows and evaluate, as the current role.
CREATE FUNCTION regress_rc.bob_sees() RETURNS TABLE (f text, result text) LANGUAGE sql AS $$
SELECT * FROM (SELECT * FROM regress_rc.all_calls()
               UNION ALL SELECT 'rows of edupredict.models', count(*)::text
                 FROM edupredict.models WHERE name = 'regress_rc_m'
               UNION ALL SELECT 'evaluate', regress_rc.try($q$SELECT count(*) > 0 FROM edupredict.evaluate('regress_rc_m', 'regress_rc.pupils', NULL)$q$)) x
ORDER BY f $$;
BEGIN;
SAVEPOINT s;
SET ROLE regress_rc_alice;
SELECT edupredict.grant_model('regress_rc_m', 'regress_rc_bob');
SET ROLE regress_rc_bob;
SELECT * FROM regress_rc.bob_sees();
ROLLBACK TO s;
SET ROLE regress_rc_bob;
SELECT * FROM regress_rc.bob_sees();
COMMIT;
SET ROLE regress_rc_bob;
SELECT * FROM regress_rc.bob_sees();
RESET ROLE;
SELECT count(*) AS grants_left FROM edupredict.model_grants WHERE name = 'regress_rc_m';

-- 9. a revoke rolled back to a savepoint: bob keeps reading, then and after COMMIT
SET ROLE regress_rc_alice;
SELECT edupredict.grant_model('regress_rc_m', 'regress_rc_bob');
BEGIN;
SET ROLE regress_rc_bob;
SELECT * FROM regress_rc.bob_sees();
SAVEPOINT s;
SET ROLE regress_rc_alice;
SELECT edupredict.revoke_model('regress_rc_m', 'regress_rc_bob');
SET ROLE regress_rc_bob;
SELECT * FROM regress_rc.bob_sees();
ROLLBACK TO s;
SELECT * FROM regress_rc.bob_sees();
COMMIT;
SELECT * FROM regress_rc.bob_sees();
RESET ROLE;

-- 10. a deploy rolled back to a savepoint: alice's call site looked the model up
-- inside it (the new version) and must not keep it after ROLLBACK TO, although
-- the snapshot is then the same to the field: her own transaction ids are never
-- in it, and the abort moved neither xmax nor the count of completed
-- transactions (a later subtransaction, rolled back first, had the higher id)
BEGIN;
SET ROLE regress_rc_alice;
CREATE TEMP TABLE flipped AS SELECT * FROM regress_rc.pupils;
UPDATE flipped SET outcome = CASE outcome WHEN 'pass' THEN 'fail' ELSE 'pass' END;
SELECT version FROM edupredict.train_forest('regress_rc_m', 'flipped', 'outcome', ARRAY['score', 'absences'],
                                            n_trees => 3, test_fraction => 0);
SELECT version, deployed FROM edupredict.deploy('regress_rc_m', 1);
SELECT regress_rc.p(15) AS v1;
SAVEPOINT s;
SELECT version, deployed FROM edupredict.deploy('regress_rc_m', 2);
SAVEPOINT w;
INSERT INTO flipped VALUES (0, 0, 'fail');
ROLLBACK TO w;
SELECT pg_current_snapshot()::text AS snap \gset
SELECT regress_rc.p(15) AS v2;
ROLLBACK TO s;
SELECT pg_current_snapshot()::text = :'snap' AS same_snapshot, regress_rc.p(15) AS v1_again,
       edupredict.predict('regress_rc_m', ARRAY[15, 0]::float8[]) AS plain;
ROLLBACK;

-- cleanup
SELECT edupredict.drop_model('regress_rc_m');
DROP SCHEMA regress_rc CASCADE;
DROP ROLE regress_rc_alice, regress_rc_bob;
