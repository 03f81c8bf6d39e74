-- An append-only log of domain events per organization and the projection it feeds. Nobody appends, changes or
-- deletes events except by INSERT: UPDATE, DELETE and TRUNCATE are refused for every role. Each aggregate's events
-- carry versions 1, 2, 3 …; appending any other version is a conflict the client retries. The projection
-- (aggregate_states) folds each event's payload into its aggregate's state with an upsert that ignores versions
-- it already holds, so replaying the log changes nothing.

-- migrate:up
CREATE TABLE IF NOT EXISTS public.domain_events (
  id uuid CONSTRAINT domain_events_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL
    CONSTRAINT domain_events_organization_fkey REFERENCES public.organizations (id) ON DELETE RESTRICT,
  aggregate_type text NOT NULL CONSTRAINT domain_events_aggregate_type_format CHECK (aggregate_type ~ '^[a-z][a-z0-9_]*$'),
  aggregate_id uuid NOT NULL,
  version bigint NOT NULL CONSTRAINT domain_events_version_positive CHECK (version > 0),
  event_type text NOT NULL CONSTRAINT domain_events_event_type_format CHECK (event_type ~ '^[a-z][a-z0-9_.]*$'),
  payload jsonb NOT NULL DEFAULT '{}' CONSTRAINT domain_events_payload_object CHECK (jsonb_typeof(payload) = 'object'),
  actor_id uuid DEFAULT app.current_user_id(),
  occurred_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT domain_events_aggregate_version_key UNIQUE (organization_id, aggregate_id, version)
);

CREATE TABLE IF NOT EXISTS public.aggregate_states (
  organization_id uuid NOT NULL
    CONSTRAINT aggregate_states_organization_fkey REFERENCES public.organizations (id) ON DELETE CASCADE,
  aggregate_id uuid NOT NULL,
  aggregate_type text NOT NULL,
  version bigint NOT NULL,
  state jsonb NOT NULL,
  last_event_id uuid NOT NULL,
  last_event_at timestamptz NOT NULL,
  CONSTRAINT aggregate_states_pkey PRIMARY KEY (organization_id, aggregate_id)
);

CREATE OR REPLACE FUNCTION app.reject_event_change() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION 'domain_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Folds one event into its aggregate's state; an event at or below the stored version changes nothing.
CREATE OR REPLACE FUNCTION app.apply_domain_event(event public.domain_events) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = ''
AS $$
  INSERT INTO public.aggregate_states AS s
    (organization_id, aggregate_id, aggregate_type, version, state, last_event_id, last_event_at)
  VALUES
    (event.organization_id, event.aggregate_id, event.aggregate_type, event.version, event.payload, event.id, event.occurred_at)
  ON CONFLICT (organization_id, aggregate_id) DO UPDATE
    SET version = excluded.version,
        state = s.state || excluded.state,
        last_event_id = excluded.last_event_id,
        last_event_at = excluded.last_event_at
    WHERE s.version < excluded.version
$$;

-- Trigger function: checks that the event is its aggregate's next version, then projects it.
CREATE OR REPLACE FUNCTION app.project_domain_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  current_version bigint;
BEGIN
  SELECT s.version INTO current_version FROM public.aggregate_states s
  WHERE s.organization_id = NEW.organization_id AND s.aggregate_id = NEW.aggregate_id;
  IF NEW.version <> coalesce(current_version, 0) + 1 THEN
    RAISE EXCEPTION 'aggregate % is at version %, so its next event is version %, not %',
      NEW.aggregate_id, coalesce(current_version, 0), coalesce(current_version, 0) + 1, NEW.version
      USING ERRCODE = 'serialization_failure';
  END IF;
  PERFORM app.apply_domain_event(NEW);
  RETURN NULL;
END
$$;

-- Rebuilds or re-checks the projection from the log, in version order; returns how many events it read.
CREATE OR REPLACE FUNCTION app.replay_domain_events() RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
  event public.domain_events;
  replayed bigint := 0;
BEGIN
  FOR event IN SELECT * FROM public.domain_events ORDER BY organization_id, aggregate_id, version LOOP
    PERFORM app.apply_domain_event(event);
    replayed := replayed + 1;
  END LOOP;
  RETURN replayed;
END
$$;

REVOKE ALL ON FUNCTION app.reject_event_change(), app.apply_domain_event(public.domain_events),
  app.project_domain_event(), app.replay_domain_events() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.replay_domain_events(), app.apply_domain_event(public.domain_events) TO service_role;

DROP TRIGGER IF EXISTS domain_events_append_only ON public.domain_events;
CREATE TRIGGER domain_events_append_only BEFORE UPDATE OR DELETE ON public.domain_events
  FOR EACH ROW EXECUTE FUNCTION app.reject_event_change();
DROP TRIGGER IF EXISTS domain_events_no_truncate ON public.domain_events;
CREATE TRIGGER domain_events_no_truncate BEFORE TRUNCATE ON public.domain_events
  FOR EACH STATEMENT EXECUTE FUNCTION app.reject_event_change();
DROP TRIGGER IF EXISTS domain_events_project ON public.domain_events;
CREATE TRIGGER domain_events_project AFTER INSERT ON public.domain_events
  FOR EACH ROW EXECUTE FUNCTION app.project_domain_event();

REVOKE ALL ON public.domain_events, public.aggregate_states FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT, INSERT ON public.domain_events TO authenticated, service_role;
GRANT SELECT ON public.aggregate_states TO authenticated, service_role;

ALTER TABLE public.domain_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.aggregate_states ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS domain_events_select ON public.domain_events;
CREATE POLICY domain_events_select ON public.domain_events FOR SELECT TO authenticated
  USING (app.is_member(organization_id));
DROP POLICY IF EXISTS domain_events_insert ON public.domain_events;
CREATE POLICY domain_events_insert ON public.domain_events FOR INSERT TO authenticated
  WITH CHECK (app.is_member(organization_id) AND actor_id = app.current_user_id());
DROP POLICY IF EXISTS aggregate_states_select ON public.aggregate_states;
CREATE POLICY aggregate_states_select ON public.aggregate_states FOR SELECT TO authenticated
  USING (app.is_member(organization_id));

-- migrate:down
DROP FUNCTION IF EXISTS app.replay_domain_events();
DROP FUNCTION IF EXISTS app.apply_domain_event(public.domain_events);
DROP TABLE IF EXISTS public.aggregate_states;
DROP TABLE IF EXISTS public.domain_events;
DROP FUNCTION IF EXISTS app.project_domain_event();
DROP FUNCTION IF EXISTS app.reject_event_change();
