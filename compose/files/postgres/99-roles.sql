-- Sets the login passwords of the API roles on first boot (the image runs init-scripts only on an empty data
-- directory). The passwords come from the container environment, so this file holds no secret.
\set ON_ERROR_STOP on

\set authenticator_password `printf '%s' "$AUTHENTICATOR_PASSWORD"`
\set auth_admin_password `printf '%s' "$SUPABASE_AUTH_ADMIN_PASSWORD"`

SELECT :'authenticator_password' = '' OR :'auth_admin_password' = '' AS password_missing \gset
\if :password_missing
  DO $$ BEGIN RAISE EXCEPTION 'AUTHENTICATOR_PASSWORD and SUPABASE_AUTH_ADMIN_PASSWORD must be set'; END $$;
\endif

ALTER ROLE authenticator WITH PASSWORD :'authenticator_password';
ALTER ROLE supabase_auth_admin WITH PASSWORD :'auth_admin_password';
