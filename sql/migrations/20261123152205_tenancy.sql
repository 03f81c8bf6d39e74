-- Multi-tenant base: organizations, who belongs to them, and one tenant-owned table (projects). Every row is
-- reachable only by members of its organization; organizations are created through create_organization(),
-- which makes the caller the owner. service_role bypasses row-level security.

-- migrate:up
CREATE TABLE IF NOT EXISTS public.organizations (
  id uuid CONSTRAINT organizations_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CONSTRAINT organizations_name_length CHECK (char_length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS public.memberships (
  organization_id uuid NOT NULL
    CONSTRAINT memberships_organization_fkey REFERENCES public.organizations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL,
  role text NOT NULL DEFAULT 'member' CONSTRAINT memberships_role_known CHECK (role IN ('owner', 'admin', 'member')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT memberships_pkey PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX IF NOT EXISTS memberships_user_idx ON public.memberships (user_id);

CREATE TABLE IF NOT EXISTS public.projects (
  id uuid CONSTRAINT projects_pkey PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL
    CONSTRAINT projects_organization_fkey REFERENCES public.organizations (id) ON DELETE CASCADE,
  name text NOT NULL CONSTRAINT projects_name_length CHECK (char_length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS projects_organization_idx ON public.projects (organization_id);

-- Membership checks for policies. SECURITY DEFINER so that policies on memberships can ask about memberships
-- without recursing into their own policies.
CREATE OR REPLACE FUNCTION app.is_member(organization uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT EXISTS (
    SELECT FROM public.memberships m
    WHERE m.organization_id = organization AND m.user_id = app.current_user_id()
  )
$$;

CREATE OR REPLACE FUNCTION app.has_role(organization uuid, roles text[]) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT EXISTS (
    SELECT FROM public.memberships m
    WHERE m.organization_id = organization AND m.user_id = app.current_user_id() AND m.role = ANY (roles)
  )
$$;

REVOKE ALL ON FUNCTION app.is_member(uuid), app.has_role(uuid, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.is_member(uuid), app.has_role(uuid, text[]) TO authenticated, service_role;

-- The only way to create an organization through the API: the caller becomes its owner.
CREATE OR REPLACE FUNCTION public.create_organization(organization_name text) RETURNS public.organizations
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  creator uuid := app.current_user_id();
  created public.organizations;
BEGIN
  IF creator IS NULL THEN
    RAISE EXCEPTION 'create_organization needs a signed-in user' USING ERRCODE = 'insufficient_privilege';
  END IF;
  INSERT INTO public.organizations (name) VALUES (organization_name) RETURNING * INTO created;
  INSERT INTO public.memberships (organization_id, user_id, role) VALUES (created.id, creator, 'owner');
  RETURN created;
END
$$;
REVOKE ALL ON FUNCTION public.create_organization(text) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.create_organization(text) TO authenticated, service_role;

DROP TRIGGER IF EXISTS organizations_set_updated_at ON public.organizations;
CREATE TRIGGER organizations_set_updated_at BEFORE UPDATE ON public.organizations
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
DROP TRIGGER IF EXISTS memberships_set_updated_at ON public.memberships;
CREATE TRIGGER memberships_set_updated_at BEFORE UPDATE ON public.memberships
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
DROP TRIGGER IF EXISTS projects_set_updated_at ON public.projects;
CREATE TRIGGER projects_set_updated_at BEFORE UPDATE ON public.projects
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();

-- Table privileges say which statements each API role may run at all; the policies below say on which rows.
REVOKE ALL ON public.organizations, public.memberships, public.projects FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT, UPDATE, DELETE ON public.organizations TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.memberships, public.projects TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.organizations, public.memberships, public.projects TO service_role;

ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.projects ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS organizations_select ON public.organizations;
CREATE POLICY organizations_select ON public.organizations FOR SELECT TO authenticated
  USING (app.is_member(id));
DROP POLICY IF EXISTS organizations_update ON public.organizations;
CREATE POLICY organizations_update ON public.organizations FOR UPDATE TO authenticated
  USING (app.has_role(id, '{owner,admin}')) WITH CHECK (app.has_role(id, '{owner,admin}'));
DROP POLICY IF EXISTS organizations_delete ON public.organizations;
CREATE POLICY organizations_delete ON public.organizations FOR DELETE TO authenticated
  USING (app.has_role(id, '{owner}'));

DROP POLICY IF EXISTS memberships_select ON public.memberships;
CREATE POLICY memberships_select ON public.memberships FOR SELECT TO authenticated
  USING (app.is_member(organization_id));
DROP POLICY IF EXISTS memberships_insert ON public.memberships;
CREATE POLICY memberships_insert ON public.memberships FOR INSERT TO authenticated
  WITH CHECK (app.has_role(organization_id, '{owner,admin}'));
DROP POLICY IF EXISTS memberships_update ON public.memberships;
CREATE POLICY memberships_update ON public.memberships FOR UPDATE TO authenticated
  USING (app.has_role(organization_id, '{owner,admin}')) WITH CHECK (app.has_role(organization_id, '{owner,admin}'));
DROP POLICY IF EXISTS memberships_delete ON public.memberships;
CREATE POLICY memberships_delete ON public.memberships FOR DELETE TO authenticated
  USING (app.has_role(organization_id, '{owner,admin}') OR (app.is_member(organization_id) AND user_id = app.current_user_id()));

DROP POLICY IF EXISTS projects_select ON public.projects;
CREATE POLICY projects_select ON public.projects FOR SELECT TO authenticated
  USING (app.is_member(organization_id));
DROP POLICY IF EXISTS projects_insert ON public.projects;
CREATE POLICY projects_insert ON public.projects FOR INSERT TO authenticated
  WITH CHECK (app.is_member(organization_id));
DROP POLICY IF EXISTS projects_update ON public.projects;
CREATE POLICY projects_update ON public.projects FOR UPDATE TO authenticated
  USING (app.is_member(organization_id)) WITH CHECK (app.is_member(organization_id));
DROP POLICY IF EXISTS projects_delete ON public.projects;
CREATE POLICY projects_delete ON public.projects FOR DELETE TO authenticated
  USING (app.is_member(organization_id));

-- migrate:down
DROP FUNCTION IF EXISTS public.create_organization(text);
DROP TABLE IF EXISTS public.projects;
DROP TABLE IF EXISTS public.memberships;
DROP TABLE IF EXISTS public.organizations;
DROP FUNCTION IF EXISTS app.has_role(uuid, text[]);
DROP FUNCTION IF EXISTS app.is_member(uuid);
