-- Private helpers for row-level security and triggers. The app schema is not served by the API; the API roles
-- may use only what is granted here.

-- migrate:up
CREATE SCHEMA IF NOT EXISTS app;
REVOKE ALL ON SCHEMA app FROM PUBLIC;
GRANT USAGE ON SCHEMA app TO anon, authenticated, service_role;

-- The claims of the request's JWT as PostgREST sets them; an empty object outside a request.
CREATE OR REPLACE FUNCTION app.jwt_claims() RETURNS jsonb
LANGUAGE sql STABLE
AS $$
  SELECT coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb
$$;

-- The requesting user: the JWT's sub claim when it is a UUID, else NULL.
CREATE OR REPLACE FUNCTION app.current_user_id() RETURNS uuid
LANGUAGE sql STABLE
AS $$
  SELECT CASE WHEN sub ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN sub::uuid END
  FROM (SELECT app.jwt_claims() ->> 'sub' AS sub) AS claims
$$;

-- Trigger function: stamps updated_at on every UPDATE.
CREATE OR REPLACE FUNCTION app.set_updated_at() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

REVOKE ALL ON FUNCTION app.jwt_claims(), app.current_user_id(), app.set_updated_at() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.jwt_claims(), app.current_user_id() TO anon, authenticated, service_role;

-- migrate:down
DROP FUNCTION IF EXISTS app.set_updated_at();
DROP FUNCTION IF EXISTS app.current_user_id();
DROP FUNCTION IF EXISTS app.jwt_claims();
DROP SCHEMA IF EXISTS app;
