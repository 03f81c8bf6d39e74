-- Session-local helpers for the files that follow; they live in pg_temp and vanish with the session.
-- Apply every file of this directory in name order, in ONE transaction, as a superuser (supabase_admin on the
-- supabase/postgres image, postgres on a vanilla server). `npm run db:bootstrap` does exactly that. Without Node:
--   PGOPTIONS='-c bootstrap.authenticator_password=…' psql -X -1 -v ON_ERROR_STOP=1 -f 00-session.sql -f 10-roles.sql …
-- (90-passwords.sql accepts plain passwords too; the CLI sends SCRAM verifiers so the server never sees them).

-- Concurrent bootstraps of one cluster queue here instead of racing on CREATE ROLE.
SELECT pg_advisory_xact_lock(8315726610237650081);

CREATE OR REPLACE FUNCTION pg_temp.bootstrap_notice(message text) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE NOTICE 'bootstrap: %', message;
END
$fn$;

-- Creates the role if missing and gives it exactly the attributes listed (all others in their NO form).
-- SUPERUSER, REPLICATION and BYPASSRLS can only be granted by a superuser; without one they are reported instead.
CREATE OR REPLACE FUNCTION pg_temp.ensure_role(role_name text, wanted text[]) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  current_role_row pg_catalog.pg_roles%ROWTYPE;
  attribute record;
  changes text := '';
  superuser boolean := (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user);
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = role_name) THEN
    EXECUTE format('CREATE ROLE %I', role_name);
  END IF;
  SELECT * INTO current_role_row FROM pg_catalog.pg_roles WHERE rolname = role_name;
  FOR attribute IN
    SELECT name, have, name = ANY (wanted) AS want
    FROM (VALUES
      ('SUPERUSER', current_role_row.rolsuper), ('CREATEDB', current_role_row.rolcreatedb),
      ('CREATEROLE', current_role_row.rolcreaterole), ('INHERIT', current_role_row.rolinherit),
      ('LOGIN', current_role_row.rolcanlogin), ('REPLICATION', current_role_row.rolreplication),
      ('BYPASSRLS', current_role_row.rolbypassrls)
    ) AS attributes (name, have)
  LOOP
    CONTINUE WHEN attribute.have = attribute.want;
    IF attribute.name IN ('SUPERUSER', 'REPLICATION', 'BYPASSRLS') AND NOT superuser THEN
      PERFORM pg_temp.bootstrap_notice(format('role %s should be %s%s; only a superuser can change that, so do it out of band',
        role_name, CASE WHEN attribute.want THEN '' ELSE 'NO' END, attribute.name));
    ELSE
      changes := changes || ' ' || CASE WHEN attribute.want THEN '' ELSE 'NO' END || attribute.name;
    END IF;
  END LOOP;
  IF changes <> '' THEN
    EXECUTE format('ALTER ROLE %I WITH%s', role_name, changes);
  END IF;
END
$fn$;

-- Sets a per-role default (ALTER ROLE … SET name = v1, v2 …) unless it already holds exactly those values.
CREATE OR REPLACE FUNCTION pg_temp.ensure_role_setting(role_name text, setting text, setting_values text[]) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  IF NOT EXISTS (
    SELECT FROM pg_catalog.pg_db_role_setting s JOIN pg_catalog.pg_roles r ON r.oid = s.setrole
    WHERE r.rolname = role_name AND s.setdatabase = 0
      AND setting || '=' || array_to_string(setting_values, ', ') = ANY (s.setconfig)
  ) THEN
    EXECUTE format('ALTER ROLE %I SET %I = %s', role_name, setting,
      (SELECT string_agg(quote_literal(v), ', ') FROM unnest(setting_values) AS v));
  END IF;
END
$fn$;

-- Makes `member_name` a member of `granted_role` unless it already is.
CREATE OR REPLACE FUNCTION pg_temp.ensure_member(granted_role text, member_name text) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  IF NOT EXISTS (
    SELECT FROM pg_catalog.pg_auth_members m
    WHERE m.roleid = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = granted_role)
      AND m.member = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = member_name)
  ) THEN
    EXECUTE format('GRANT %I TO %I', granted_role, member_name);
  END IF;
END
$fn$;

-- Creates the schema owned by `owner`; with `enforce_owner`, an existing schema is handed to `owner` too.
CREATE OR REPLACE FUNCTION pg_temp.ensure_schema(schema_name text, owner text, enforce_owner boolean) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  current_owner text;
  may_assign boolean := pg_catalog.pg_has_role(current_user, owner, 'MEMBER');
BEGIN
  SELECT pg_catalog.pg_get_userbyid(nspowner) INTO current_owner FROM pg_catalog.pg_namespace WHERE nspname = schema_name;
  IF current_owner IS NULL THEN
    EXECUTE format('CREATE SCHEMA %I', schema_name);
    current_owner := current_user;
    enforce_owner := true;
  END IF;
  IF enforce_owner AND current_owner <> owner THEN
    IF may_assign THEN
      EXECUTE format('ALTER SCHEMA %I OWNER TO %I', schema_name, owner);
    ELSE
      PERFORM pg_temp.bootstrap_notice(format('schema %s should be owned by %s; %s is not a member of that role, so change it out of band',
        schema_name, owner, current_user));
    END IF;
  END IF;
END
$fn$;

-- Creates an extension the server offers. A missing required one aborts the bootstrap; a missing optional one is reported.
CREATE OR REPLACE FUNCTION pg_temp.ensure_extension(extension_name text, schema_name text, required boolean) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  IF EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = extension_name) THEN
    RETURN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_available_extensions WHERE name = extension_name) THEN
    IF required THEN
      RAISE EXCEPTION 'required extension % is not available on this server', extension_name
        USING HINT = 'install it on the database server (for example the postgresql-contrib package), then run the bootstrap again';
    END IF;
    PERFORM pg_temp.bootstrap_notice(format('extension %s is not available on this server (optional, skipped)', extension_name));
    RETURN;
  END IF;
  BEGIN
    IF schema_name IS NULL THEN
      EXECUTE format('CREATE EXTENSION %I', extension_name);
    ELSE
      EXECUTE format('CREATE EXTENSION %I WITH SCHEMA %I', extension_name, schema_name);
    END IF;
  EXCEPTION WHEN insufficient_privilege OR feature_not_supported OR object_not_in_prerequisite_state THEN
    IF required THEN
      RAISE;
    END IF;
    PERFORM pg_temp.bootstrap_notice(format('extension %s could not be created (optional, skipped): %s', extension_name, SQLERRM));
  END;
END
$fn$;
