#!/bin/sh
# The database's two roles (README, "Database roles"; ADR 0011):
#   samrehab_owner  owns the database, its schema and every table; migrations run as it.
#   samrehab_app    the web app, worker and beat; owns nothing, gets its rights from
#                   `manage.py grant_app_role` (only INSERT and SELECT on the access log).
# The postgres image runs this once, as the superuser, when it creates the database. It is
# idempotent: run it again by hand (same variables) to reset the passwords, or to hand a
# database created before the roles existed over to the owner.
set -eu
: "${POSTGRES_USER:?}" "${POSTGRES_DB:?}" "${DB_OWNER_PASSWORD:?}" "${DB_APP_PASSWORD:?}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v db="$POSTGRES_DB" -v owner_password="$DB_OWNER_PASSWORD" \
  -v app_password="$DB_APP_PASSWORD" <<'SQL'
SELECT 'CREATE ROLE samrehab_owner'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'samrehab_owner') \gexec
SELECT 'CREATE ROLE samrehab_app'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'samrehab_app') \gexec
ALTER ROLE samrehab_owner LOGIN NOSUPERUSER NOCREATEROLE PASSWORD :'owner_password';
ALTER ROLE samrehab_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';

ALTER DATABASE :"db" OWNER TO samrehab_owner;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO samrehab_app;
ALTER SCHEMA public OWNER TO samrehab_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO samrehab_app;

-- Tables, views and functions made before the roles existed pass to the owner (a table's
-- own sequences follow it).
DO $$
DECLARE item record;
BEGIN
    FOR item IN
        SELECT c.oid::regclass AS name FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v')
          AND c.relowner <> 'samrehab_owner'::regrole
    LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO samrehab_owner', item.name);
    END LOOP;
    FOR item IN
        SELECT p.oid::regprocedure AS name FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace
          AND p.proowner <> 'samrehab_owner'::regrole
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO samrehab_owner', item.name);
    END LOOP;
END
$$;
SQL
