-- Login passwords from the session settings bootstrap.<role>_password. `npm run db:bootstrap` sets them from the
-- environment as SCRAM verifiers, so neither this text nor the server log ever holds a password. A role whose
-- setting is absent keeps its password; one whose stored verifier already matches is left untouched.
DO $bootstrap$
DECLARE
  role_name text;
  wanted text;
  stored text;
  readable boolean := pg_catalog.has_table_privilege('pg_catalog.pg_authid', 'SELECT');
BEGIN
  FOR role_name IN
    SELECT rolname FROM pg_catalog.pg_roles
    WHERE rolname IN ('authenticator', 'supabase_auth_admin', 'supabase_admin', 'supabase_storage_admin',
                      'supabase_functions_admin', 'supabase_replication_admin', 'supabase_read_only_user', 'pgbouncer',
                      'supabase_monitor')
    ORDER BY rolname
  LOOP
    wanted := nullif(current_setting(format('bootstrap.%s_password', role_name), true), '');
    CONTINUE WHEN wanted IS NULL;
    IF readable THEN
      SELECT rolpassword INTO stored FROM pg_catalog.pg_authid WHERE rolname = role_name;
      CONTINUE WHEN stored IS NOT DISTINCT FROM wanted;
    END IF;
    EXECUTE format('ALTER ROLE %I WITH PASSWORD %L', role_name, wanted);
    PERFORM pg_temp.bootstrap_notice(format('role %s: password set', role_name));
  END LOOP;
END
$bootstrap$;
