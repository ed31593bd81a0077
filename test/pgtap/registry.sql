-- Model registry: catalog properties of ownership, row-level security, the
-- edupredict_user role and the registry functions (sql/registry.sql tests the
-- behaviour with several roles).
BEGIN;
SELECT plan(54);

-- the role: NOLOGIN, no administrative attributes
SELECT has_role('edupredict_user');
SELECT isnt_superuser('edupredict_user');
SELECT is((SELECT rolcanlogin OR rolcreaterole OR rolcreatedb OR rolbypassrls OR rolreplication
           FROM pg_roles WHERE rolname = 'edupredict_user'), false, 'edupredict_user cannot log in and administers nothing');

-- tables, columns, keys
SELECT has_table('edupredict', 'model_names', 'model_names exists');
SELECT has_table('edupredict', 'model_grants', 'model_grants exists');
SELECT col_is_pk('edupredict', 'model_names', 'name', 'model_names.name is the primary key');
SELECT col_type_is('edupredict', 'model_names', 'owner', 'regrole', 'owners are roles (by OID, not by name)');
SELECT col_type_is('edupredict', 'models', 'owner', 'regrole', 'models.owner is a role');
SELECT col_not_null('edupredict', 'models', 'owner', 'models.owner is NOT NULL');
SELECT col_type_is('edupredict', 'models', 'algorithm', 'text', 'models.algorithm is text');
SELECT col_not_null('edupredict', 'models', 'algorithm', 'models.algorithm is NOT NULL');
SELECT col_default_is('edupredict', 'models', 'algorithm', 'forest', 'models.algorithm defaults to forest');
SELECT fk_ok('edupredict', 'models', ARRAY['name', 'owner'], 'edupredict', 'model_names', ARRAY['name', 'owner'],
             'a model row carries its name''s owner');
SELECT fk_ok('edupredict', 'model_grants', ARRAY['name', 'owner'], 'edupredict', 'model_names', ARRAY['name', 'owner'],
             'a grant carries its name''s owner');
SELECT throws_ok($$INSERT INTO edupredict.models (name, algorithm, task, target, features, params, metrics, n_rows, train_seconds, model)
                   VALUES ('tap_algorithm', 'svm', 'regression', 'y', '{x}', '{}', '{}', 1, 0, '\x00')$$,
                 '23514', NULL, 'algorithm is forest or boosting');
SELECT ok((SELECT array['edupredict.model_names'::regclass::oid, 'edupredict.model_grants'::regclass::oid] <@ extconfig
           FROM pg_extension WHERE extname = 'edupredict'), 'pg_dump keeps names and grants (pg_extension_config_dump)');

-- row-level security on every registry table (superusers and the owner bypass it)
SELECT results_eq(
  $$SELECT c.relname::text COLLATE "default", c.relrowsecurity FROM pg_class c
    WHERE c.oid IN ('edupredict.models'::regclass, 'edupredict.model_names'::regclass, 'edupredict.model_grants'::regclass)
    ORDER BY 1$$,
  $$VALUES ('model_grants', true), ('model_names', true), ('models', true)$$,
  'row-level security is enabled on models, model_names and model_grants');
SELECT policies_are('edupredict', 'models', ARRAY['models_read', 'models_add', 'models_change', 'models_remove']);
SELECT policies_are('edupredict', 'model_names', ARRAY['model_names_read', 'model_names_add', 'model_names_change', 'model_names_remove']);
SELECT policies_are('edupredict', 'model_grants', ARRAY['model_grants_read', 'model_grants_add', 'model_grants_remove']);
SELECT policy_cmd_is('edupredict'::name, 'models'::name, 'models_read'::name, 'SELECT'::text, 'models_read is for SELECT');
SELECT policy_cmd_is('edupredict'::name, 'models'::name, 'models_change'::name, 'UPDATE'::text, 'models_change is for UPDATE');
SELECT is_empty(
  $$SELECT tablename || '.' || policyname FROM pg_policies
    WHERE schemaname = 'edupredict' AND (permissive <> 'PERMISSIVE' OR roles <> '{public}')$$,
  'registry policies are permissive and apply to every role');
SELECT has_trigger('edupredict', 'models', 'models_guard', 'models has the guard trigger');
SELECT trigger_is('edupredict', 'models', 'models_guard', 'edupredict', '_models_guard', 'models_guard calls _models_guard');
SELECT trigger_is('edupredict', 'model_names', 'model_names_guard', 'edupredict', '_model_names_guard',
                  'model_names_guard calls _model_names_guard');

-- the view: everything but the bytes, as the caller
SELECT has_view('edupredict', 'model_list', 'model_list exists');
SELECT hasnt_column('edupredict', 'model_list', 'model', 'model_list has no model bytes');
SELECT has_column('edupredict', 'model_list', 'model_bytes', 'model_list has the model size');
SELECT ok((SELECT 'security_invoker=true' = ANY (reloptions) FROM pg_class WHERE oid = 'edupredict.model_list'::regclass),
          'model_list runs with the caller''s rights (security_invoker), so row-level security applies');

-- privileges: exactly what training, prediction, deploy and grants need
SELECT table_privs_are('edupredict', 'models', 'edupredict_user', ARRAY['SELECT', 'INSERT', 'DELETE']);
SELECT table_privs_are('edupredict', 'model_names', 'edupredict_user', ARRAY['SELECT', 'DELETE']);
SELECT table_privs_are('edupredict', 'model_grants', 'edupredict_user', ARRAY['SELECT', 'DELETE']);
SELECT table_privs_are('edupredict', 'model_list', 'edupredict_user', ARRAY['SELECT']);
SELECT sequence_privs_are('edupredict', 'models_id_seq', 'edupredict_user', ARRAY['USAGE']);
SELECT results_eq(
  $$SELECT c.relname::text COLLATE "default", p.priv, array_agg(a.attname::text COLLATE "default" ORDER BY a.attname)
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    CROSS JOIN unnest(ARRAY['INSERT', 'UPDATE']) p(priv)
    WHERE c.oid IN ('edupredict.models'::regclass, 'edupredict.model_names'::regclass, 'edupredict.model_grants'::regclass)
      AND has_column_privilege('edupredict_user', c.oid, a.attnum, p.priv)
      AND NOT has_table_privilege('edupredict_user', c.oid, p.priv)
    GROUP BY 1, 2 ORDER BY 1, 2$$,
  $$VALUES ('model_grants', 'INSERT', ARRAY['grantee', 'name', 'owner']),
           ('model_names', 'INSERT', ARRAY['name']),
           ('model_names', 'UPDATE', ARRAY['changed_at', 'next_version']),
           ('models', 'UPDATE', ARRAY['deployed'])$$,
  'column privileges: a name row gets only its name, a model row only changes deployed');
SELECT is_empty(
  $$SELECT c.relname FROM pg_class c
    WHERE c.relnamespace = 'edupredict'::regnamespace AND c.relname IN ('models', 'model_names', 'model_grants', 'model_list', 'models_id_seq')
      AND (has_table_privilege('public', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
           OR has_any_column_privilege('public', c.oid, 'SELECT, INSERT, UPDATE, REFERENCES'))$$,
  'PUBLIC holds no privilege on the registry');

-- functions: labels, rights, search_path
SELECT volatility_is('edupredict', 'model_reserve', ARRAY['text'], 'volatile', 'model_reserve is volatile (writes)');
SELECT isnt_strict('edupredict', 'model_reserve', ARRAY['text'], 'model_reserve raises on NULL instead of returning NULL');
SELECT function_returns('edupredict', 'model_reserve', ARRAY['text'], 'integer', 'model_reserve returns the version');
SELECT is((SELECT proparallel FROM pg_proc WHERE oid = 'edupredict.model_reserve(text)'::regprocedure), 'u',
          'model_reserve is PARALLEL UNSAFE');
SELECT is((SELECT prorettype FROM pg_proc WHERE oid = 'edupredict.deploy(text, int)'::regprocedure),
          'edupredict.model_list'::regtype::oid, 'deploy returns the row without the bytes');
SELECT volatility_is('edupredict', '_model_name_max_bytes', ARRAY[]::text[], 'immutable',
                     '_model_name_max_bytes is immutable');
SELECT is((SELECT proparallel FROM pg_proc WHERE oid = 'edupredict._model_name_max_bytes()'::regprocedure), 's',
          '_model_name_max_bytes is PARALLEL SAFE');
SELECT is(edupredict._model_name_max_bytes(), 200, 'model names are at most 200 bytes');
SELECT volatility_is('edupredict', 'undeploy', ARRAY['text'], 'volatile', 'undeploy is volatile (writes)');
SELECT volatility_is('edupredict', 'drop_model', ARRAY['text', 'integer'], 'volatile', 'drop_model is volatile (writes)');
SELECT volatility_is('edupredict', 'grant_model', ARRAY['text', 'text'], 'volatile', 'grant_model is volatile (writes)');
SELECT volatility_is('edupredict', 'revoke_model', ARRAY['text', 'text'], 'volatile', 'revoke_model is volatile (writes)');
SELECT is((SELECT pg_get_function_arguments('edupredict.drop_model(text, int)'::regprocedure)),
          'model_name text, version integer DEFAULT NULL::integer', 'drop_model(model_name, version DEFAULT NULL)');
SELECT results_eq(
  $$SELECT p.oid::regprocedure::text COLLATE "default" FROM pg_proc p
    JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
    JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'edupredict'
    WHERE p.prosecdef ORDER BY 1$$,
  $$VALUES ('edupredict._model_name_exists(text)')$$,
  'the only SECURITY DEFINER function is the name-exists check');
SELECT is_empty(
  $$SELECT p.oid::regprocedure::text COLLATE "default" FROM pg_proc p
    JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
    JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'edupredict'
    WHERE p.prosecdef AND (p.proconfig IS NULL OR NOT 'search_path=pg_catalog, pg_temp' = ANY (p.proconfig)
                           OR has_function_privilege('public', p.oid, 'EXECUTE'))$$,
  'SECURITY DEFINER functions set search_path and are not executable by PUBLIC');
SELECT is_empty(
  $$SELECT p.oid::regprocedure::text COLLATE "default" FROM pg_proc p
    WHERE p.pronamespace = 'edupredict'::regnamespace
      AND p.proname IN ('model_reserve', 'deploy', 'undeploy', 'drop_model', 'grant_model', 'revoke_model',
                        '_model_lock', '_model_name_exists', '_require_registry_rights', '_registry_caller',
                        '_model_grantee', '_models_guard', '_model_names_guard', '_model_readable',
                        '_model_name_max_bytes')
      AND (p.proconfig IS NULL OR NOT 'search_path=pg_catalog, pg_temp' = ANY (p.proconfig))$$,
  'every registry function pins search_path');
SELECT is_empty(
  $$SELECT p.oid::regprocedure::text COLLATE "default" FROM pg_proc p
    WHERE p.pronamespace = 'edupredict'::regnamespace
      AND p.proname IN ('model_reserve', 'deploy', 'undeploy', 'drop_model', 'grant_model', 'revoke_model', '_model_name_exists')
      AND NOT has_function_privilege('edupredict_user', p.oid, 'EXECUTE')$$,
  'edupredict_user may call every registry function');

SELECT * FROM finish();
ROLLBACK;
