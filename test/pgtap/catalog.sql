-- Every function the extension installs is labelled: volatility, PARALLEL,
-- COMMENT.  Queried from the catalog, so functions added later are guarded too.
BEGIN;
SELECT plan(6);

CREATE TEMP VIEW ext_functions AS
SELECT p.oid, p.oid::regprocedure::text AS signature, p.prokind, p.provolatile, p.proparallel,
       obj_description(p.oid, 'pg_proc') AS comment
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'edupredict';

SELECT cmp_ok((SELECT count(*) FROM ext_functions), '>', 0::bigint, 'the extension installs functions');

SELECT is_empty(
  $$SELECT signature FROM ext_functions WHERE comment IS NULL OR btrim(comment) = ''$$,
  'every function and aggregate has a COMMENT');

-- PARALLEL UNSAFE is the silent default: only functions that write data may
-- keep it, and they must say so in their comment ("writes").
SELECT is_empty(
  $$SELECT signature FROM ext_functions WHERE proparallel = 'u' AND comment !~* 'writes'$$,
  'functions that do not write data are PARALLEL SAFE or RESTRICTED');

-- VOLATILE is the silent default too: it is allowed only where the comment
-- says why (writes data, or draws unseeded randomness).
SELECT is_empty(
  $$SELECT signature FROM ext_functions
    WHERE prokind IN ('f', 'w') AND provolatile = 'v' AND comment !~* '(writes|random)'$$,
  'volatile functions say why in their comment');

-- Support functions of aggregates are covered by the same rules; aggregates
-- must be PARALLEL SAFE and have a combine function.
SELECT is_empty(
  $$SELECT a.aggfnoid::regprocedure::text FROM pg_aggregate a JOIN ext_functions f ON f.oid = a.aggfnoid
    WHERE a.aggcombinefn = 0 OR f.proparallel <> 's'$$,
  'every aggregate has a combine function and is PARALLEL SAFE');

-- the group-key forms of forest_agg and boost_agg by name: parallel plans split them (an
-- internal state, so serial and deserial functions too)
SELECT set_eq(
  $$SELECT a.aggfnoid::regprocedure::text FROM pg_aggregate a JOIN ext_functions f ON f.oid = a.aggfnoid
    WHERE f.proparallel = 's' AND a.aggcombinefn <> 0 AND a.aggserialfn <> 0 AND a.aggdeserialfn <> 0
      AND a.aggfnoid::regprocedure::text ~ '^edupredict\.(forest|boost)_agg\(.*,text\)$'$$,
  $$VALUES ('edupredict.boost_agg(double precision[],double precision,jsonb,text)'),
           ('edupredict.boost_agg(double precision[],text,jsonb,text)'),
           ('edupredict.forest_agg(double precision[],double precision,jsonb,text)'),
           ('edupredict.forest_agg(double precision[],text,jsonb,text)')$$,
  'forest_agg and boost_agg with a group key are PARALLEL SAFE with combine, serial and deserial functions');

SELECT * FROM finish();
ROLLBACK;
