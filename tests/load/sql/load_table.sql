-- The table the REST load test reads and writes. Apply once per stack before a run, as the database owner:
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f tests/load/sql/load_table.sql
-- Idempotent. anon and authenticated may read every row; an authenticated user may insert only rows of their
-- own (user_id = auth.uid(), the default). Empty it after a run with TRUNCATE public.load_messages.
BEGIN;

CREATE TABLE IF NOT EXISTS public.load_messages (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid NOT NULL DEFAULT auth.uid(),
  room text NOT NULL CHECK (length(room) <= 64),
  body text NOT NULL CHECK (length(body) <= 1024),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The filtered read: room=eq.<room>&user_id=eq.<uid>&order=created_at.desc&limit=20.
CREATE INDEX IF NOT EXISTS load_messages_user_room_created_idx ON public.load_messages (user_id, room, created_at DESC);

ALTER TABLE public.load_messages ENABLE ROW LEVEL SECURITY;

REVOKE ALL ON public.load_messages FROM anon, authenticated;
GRANT SELECT ON public.load_messages TO anon, authenticated;
GRANT INSERT (user_id, room, body) ON public.load_messages TO authenticated;

DROP POLICY IF EXISTS load_messages_read ON public.load_messages;
CREATE POLICY load_messages_read ON public.load_messages FOR SELECT TO anon, authenticated USING (true);

DROP POLICY IF EXISTS load_messages_insert_own ON public.load_messages;
CREATE POLICY load_messages_insert_own ON public.load_messages FOR INSERT TO authenticated
  WITH CHECK (user_id = (SELECT auth.uid()));

COMMIT;
