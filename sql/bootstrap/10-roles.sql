-- The roles the Supabase services and the API expect, with the attributes of the supabase/postgres image.
-- Each role gets exactly the attributes listed; every other attribute is off.

-- API roles: PostgREST switches to one of them per request (from the JWT's role claim).
SELECT pg_temp.ensure_role('anon', '{}');
SELECT pg_temp.ensure_role('authenticated', '{}');
SELECT pg_temp.ensure_role('service_role', '{BYPASSRLS}');

-- PostgREST logs in as authenticator, which inherits nothing and may only switch to the API roles.
SELECT pg_temp.ensure_role('authenticator', '{LOGIN}');
SELECT pg_temp.ensure_member('anon', 'authenticator');
SELECT pg_temp.ensure_member('authenticated', 'authenticator');
SELECT pg_temp.ensure_member('service_role', 'authenticator');

-- Realtime and the admin tools log in as supabase_admin.
SELECT pg_temp.ensure_role('supabase_admin', '{SUPERUSER,CREATEDB,CREATEROLE,REPLICATION,BYPASSRLS,LOGIN,INHERIT}');

-- Service owners: each runs its own migrations in its own schema.
SELECT pg_temp.ensure_role('supabase_auth_admin', '{LOGIN,CREATEROLE}');
SELECT pg_temp.ensure_role('supabase_storage_admin', '{LOGIN,CREATEROLE}');
SELECT pg_temp.ensure_role('supabase_functions_admin', '{LOGIN,CREATEROLE}');

SELECT pg_temp.ensure_role('supabase_replication_admin', '{LOGIN,REPLICATION,INHERIT}');
SELECT pg_temp.ensure_role('supabase_read_only_user', '{LOGIN,BYPASSRLS,INHERIT}');
SELECT pg_temp.ensure_member('pg_read_all_data', 'supabase_read_only_user');
SELECT pg_temp.ensure_role('dashboard_user', '{CREATEDB,CREATEROLE,REPLICATION,INHERIT}');
SELECT pg_temp.ensure_role('pgbouncer', '{LOGIN,INHERIT}');

-- Per-role defaults: short API timeouts, and each service admin finds its own schema first.
SELECT pg_temp.ensure_role_setting('anon', 'statement_timeout', '{3s}');
SELECT pg_temp.ensure_role_setting('authenticated', 'statement_timeout', '{8s}');
SELECT pg_temp.ensure_role_setting('supabase_admin', 'search_path', '{public,extensions}');
SELECT pg_temp.ensure_role_setting('supabase_auth_admin', 'search_path', '{auth}');
SELECT pg_temp.ensure_role_setting('supabase_storage_admin', 'search_path', '{storage}');
