-- The schemas the services expect. GoTrue, Storage and Realtime run their own migrations in theirs, so those
-- belong to the service's role; the shared ones keep whatever owner they already have.
SELECT pg_temp.ensure_schema('auth', 'supabase_auth_admin', true);
SELECT pg_temp.ensure_schema('storage', 'supabase_storage_admin', true);
SELECT pg_temp.ensure_schema('realtime', 'supabase_admin', true);
SELECT pg_temp.ensure_schema('_realtime', 'supabase_admin', true);
SELECT pg_temp.ensure_schema('extensions', 'supabase_admin', false);
SELECT pg_temp.ensure_schema('graphql_public', 'supabase_admin', false);
SELECT pg_temp.ensure_schema('pgbouncer', 'pgbouncer', false);
