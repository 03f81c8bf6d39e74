-- The role postgres_exporter logs in as: a member of pg_monitor, which reads every statistics view and the WAL and
-- archive status functions the exporter's queries use, and nothing else (no superuser, no table data).
-- Its password comes from the session setting bootstrap.supabase_monitor_password (90-passwords.sql).
SELECT pg_temp.ensure_role('supabase_monitor', '{LOGIN,INHERIT}');
SELECT pg_temp.ensure_member('pg_monitor', 'supabase_monitor');
