-- What the API roles may reach. Row-level security decides which rows; these grants decide which objects.
GRANT USAGE ON SCHEMA public, extensions, graphql_public, auth, storage, realtime TO anon, authenticated, service_role;
GRANT ALL ON SCHEMA auth TO supabase_auth_admin;
GRANT ALL ON SCHEMA storage TO supabase_storage_admin;

-- Objects later created in public by the usual migration owners are usable by the API roles. TRUNCATE, which
-- row-level security does not govern, is left out on purpose.
DO $bootstrap$
DECLARE
  creator text;
BEGIN
  FOR creator IN
    SELECT rolname FROM pg_catalog.pg_roles
    WHERE rolname IN (current_user, 'supabase_admin', 'postgres') AND pg_catalog.pg_has_role(current_user, oid, 'MEMBER')
    ORDER BY rolname
  LOOP
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO anon, authenticated, service_role', creator);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO anon, authenticated, service_role', creator);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO anon, authenticated, service_role', creator);
  END LOOP;
END
$bootstrap$;
