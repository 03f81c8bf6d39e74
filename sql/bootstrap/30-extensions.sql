-- Extensions, in the `extensions` schema where they are relocatable. Required ones are in every contrib build;
-- the optional ones ship with the supabase/postgres image and are skipped (and reported) elsewhere.
SELECT pg_temp.ensure_extension('uuid-ossp', 'extensions', true);
SELECT pg_temp.ensure_extension('pgcrypto', 'extensions', true);
SELECT pg_temp.ensure_extension('pg_stat_statements', 'extensions', false);
SELECT pg_temp.ensure_extension('pgjwt', 'extensions', false);
SELECT pg_temp.ensure_extension('pg_graphql', NULL, false);
