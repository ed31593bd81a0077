-- predict_by_ref's reuse key (model_ref.c: the registry row's id and row version, xmin:ctid, and the
-- role) against ROLLBACK TO SAVEPOINT.  A version trained, deployed or rewritten inside a savepoint
-- and scored there through the model_ref path must not score after ROLLBACK TO: neither in a
-- statement the planner rewrote (model_name_rewrite.c) nor at a PL/pgSQL call site, which keeps its
-- state (the parsed model) for the whole transaction.  The surviving version is another registry row
-- (another id) or the same row's older version (the same id, another xmin:ctid).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
CREATE SCHEMA regress_mrs;
CREATE TABLE regress_mrs.train AS
SELECT x::float8 AS x, CASE WHEN x > 10 THEN 'hi' ELSE 'lo' END AS y FROM generate_series(1, 20) x;
CREATE TABLE regress_mrs.flip AS
SELECT x, CASE y WHEN 'hi' THEN 'lo' ELSE 'hi' END AS y FROM regress_mrs.train;
SELECT version FROM edupredict.train_forest('regress_mrs_m', 'regress_mrs.train', 'y', n_trees => 1, test_fraction => 0);
SET edupredict.resolve_model_names = on;
-- The planner's rewrite: predict by name becomes predict_by_ref over a lookup subquery (counted
-- in the plan's text: the scan of the registry under the lookup depends on the statistics).
CREATE FUNCTION pg_temp.rewrite_calls(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE l text; r int := 0; k int := 0;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
    r := r + (length(l) - length(replace(l, 'predict_by_ref(', ''))) / 15;
    k := k + (length(l) - length(replace(l, 'model_ref_lookup(', ''))) / 17;
  END LOOP;
  RETURN format('%s predict_by_ref, %s model_ref_lookup', r, k);
END $$;
SELECT pg_temp.rewrite_calls($q$SELECT edupredict.predict('regress_mrs_m', ARRAY[15]::float8[])$q$);

-- by name (rewritten; PL/pgSQL keeps the plan), by a reference looked up at each call (the
-- predict_by_ref call site is a simple expression: kept for the transaction), and by a reference
-- the caller passes (the same call site for every reference)
CREATE FUNCTION regress_mrs.by_name(x float8) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN RETURN edupredict.predict('regress_mrs_m', ARRAY[x]); END $$;
CREATE FUNCTION regress_mrs.fresh_ref(x float8) RETURNS text LANGUAGE plpgsql AS
$$ DECLARE r edupredict.model_ref;
   BEGIN r := edupredict.model_ref_lookup('regress_mrs_m', NULL, 1);
         RETURN edupredict.predict_by_ref(r, ARRAY[x], NULL); END $$;
CREATE FUNCTION regress_mrs.by_ref(r edupredict.model_ref, x float8) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN RETURN edupredict.predict_by_ref(r, ARRAY[x], NULL); END $$;
CREATE VIEW regress_mrs.scores AS
SELECT regress_mrs.by_name(15) AS by_name, regress_mrs.fresh_ref(15) AS fresh_ref,
	   regress_mrs.by_ref(edupredict.model_ref_lookup('regress_mrs_m', NULL, 1), 15) AS by_ref,
	   edupredict.predict('regress_mrs_m', ARRAY[15]::float8[]) AS rewritten,
	   (SELECT max(version) FROM edupredict.models WHERE name = 'regress_mrs_m') AS newest;

-- 1. a new version trained inside a savepoint (nothing deployed: the newest scores)
BEGIN;
SELECT * FROM regress_mrs.scores;
SAVEPOINT s;
SELECT version FROM edupredict.train_forest('regress_mrs_m', 'regress_mrs.flip', 'y', n_trees => 1, test_fraction => 0);
SELECT * FROM regress_mrs.scores;
ROLLBACK TO s;
SELECT * FROM regress_mrs.scores;
-- the same again in the same transaction: another savepoint, another new row
SAVEPOINT s2;
SELECT version FROM edupredict.train_forest('regress_mrs_m', 'regress_mrs.flip', 'y', n_trees => 1, test_fraction => 0);
SELECT * FROM regress_mrs.scores;
ROLLBACK TO s2;
SELECT * FROM regress_mrs.scores;
COMMIT;

-- 2. a deploy inside a savepoint (an UPDATE of both rows; ROLLBACK TO brings back their older
-- versions, under the same ids)
SELECT version FROM edupredict.train_forest('regress_mrs_m', 'regress_mrs.flip', 'y', n_trees => 1, test_fraction => 0);
SELECT version, deployed FROM edupredict.deploy('regress_mrs_m', 1);
BEGIN;
SELECT * FROM regress_mrs.scores;
SAVEPOINT s;
SELECT version, deployed FROM edupredict.deploy('regress_mrs_m', 2);
SELECT * FROM regress_mrs.scores;
-- a released savepoint inside it: its writes stay until the outer ROLLBACK TO
SAVEPOINT inner_s;
SELECT version, deployed FROM edupredict.deploy('regress_mrs_m', 1);
SELECT version, deployed FROM edupredict.deploy('regress_mrs_m', 2);
RELEASE inner_s;
SELECT * FROM regress_mrs.scores;
ROLLBACK TO s;
SELECT * FROM regress_mrs.scores;
COMMIT;

-- 3. the deployed row's model bytes rewritten inside a savepoint (the table owner can): the same id,
-- another row version, so another key.  The first scores of the transaction are inside the
-- savepoint, so after ROLLBACK TO the call sites hold the rewritten bytes under the id that comes
-- back with its older row version (a key of the id alone would keep them).
BEGIN;
SAVEPOINT s;
UPDATE edupredict.models SET model = (SELECT model FROM edupredict.models WHERE name = 'regress_mrs_m' AND version = 2)
WHERE name = 'regress_mrs_m' AND version = 1;
SELECT * FROM regress_mrs.scores;
ROLLBACK TO s;
SELECT * FROM regress_mrs.scores;
COMMIT;

-- 4. a model first trained inside a savepoint: after ROLLBACK TO it does not exist for any path
BEGIN;
SAVEPOINT s;
SELECT version FROM edupredict.train_forest('regress_mrs_new', 'regress_mrs.train', 'y', n_trees => 1, test_fraction => 0);
SELECT regress_mrs.by_ref(edupredict.model_ref_lookup('regress_mrs_new', NULL, 1), 15) AS by_ref,
	   edupredict.predict('regress_mrs_new', ARRAY[15]::float8[]) AS rewritten;
ROLLBACK TO s;
SAVEPOINT t;
SELECT regress_mrs.by_ref(edupredict.model_ref_lookup('regress_mrs_new', NULL, 1), 15) AS by_ref;
ROLLBACK TO t;
SELECT edupredict.predict('regress_mrs_new', ARRAY[15]::float8[]) AS rewritten;
ROLLBACK;

-- cleanup
RESET edupredict.resolve_model_names;
SELECT edupredict.drop_model('regress_mrs_m');
SET client_min_messages = warning;
DROP SCHEMA regress_mrs CASCADE;
RESET client_min_messages;
