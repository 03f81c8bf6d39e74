-- Realtime streams the tables of this publication; it starts empty and tables are added by migrations.
DO $bootstrap$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_publication WHERE pubname = 'supabase_realtime') THEN
    CREATE PUBLICATION supabase_realtime;
  END IF;
  IF pg_catalog.pg_has_role(current_user, 'supabase_admin', 'MEMBER')
     AND (SELECT pg_catalog.pg_get_userbyid(pubowner) FROM pg_catalog.pg_publication WHERE pubname = 'supabase_realtime') <> 'supabase_admin' THEN
    ALTER PUBLICATION supabase_realtime OWNER TO supabase_admin;
  END IF;
END
$bootstrap$;
