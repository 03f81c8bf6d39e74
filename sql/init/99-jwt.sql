-- Records the access-token lifetime GoTrue issues (JWT_EXP) as a database setting, on first boot.
\set ON_ERROR_STOP on

\set jwt_exp `printf '%s' "$JWT_EXP"`

SELECT :'jwt_exp' !~ '^[0-9]+$' AS jwt_exp_invalid \gset
\if :jwt_exp_invalid
  DO $$ BEGIN RAISE EXCEPTION 'JWT_EXP must be a whole number of seconds'; END $$;
\endif

ALTER DATABASE postgres SET "app.settings.jwt_exp" TO :'jwt_exp';
