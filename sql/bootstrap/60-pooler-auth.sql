-- The lookup a connection pooler (Supavisor, PgBouncer) runs as `pgbouncer` to check client passwords. It reads
-- pg_shadow, so it must be created by a superuser; without one it is reported and skipped.
DO $bootstrap$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
    PERFORM pg_temp.bootstrap_notice('pgbouncer.get_auth needs a superuser to create it (skipped); a connection pooler cannot authenticate clients without it');
    RETURN;
  END IF;
  EXECUTE $ddl$
    CREATE OR REPLACE FUNCTION pgbouncer.get_auth(p_usename text)
    RETURNS TABLE (username text, password text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
    AS $fn$
      SELECT usename::text, passwd::text FROM pg_catalog.pg_shadow WHERE usename = p_usename
    $fn$
  $ddl$;
  REVOKE ALL ON FUNCTION pgbouncer.get_auth(text) FROM PUBLIC;
  GRANT EXECUTE ON FUNCTION pgbouncer.get_auth(text) TO pgbouncer;
END
$bootstrap$;
