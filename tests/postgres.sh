#!/usr/bin/env bash
# Makes sure a PostgreSQL server runs on 127.0.0.1:5432 with the test database the persistence tests use
# (user memgrowth, password memgrowth, database memgrowth_test), installing it when missing (Debian/Ubuntu,
# as root). Prints the connection string, and nothing else, on stdout: everything the tools it calls print
# goes to stderr. Idempotent: run it as often as you like.
set -euo pipefail
exec 3>&1 1>&2
say() { printf 'postgres: %s\n' "$*" >&2; }

if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  [ "$(id -u)" = 0 ] || { say "PostgreSQL is not installed: run as root, or apt-get install postgresql"; exit 1; }
  say "installing postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q postgresql >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null; }
fi

version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
  say "creating cluster $version/main"
  pg_createcluster "$version" main >/dev/null 3>&-
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  say "starting cluster $version/main"
  pg_ctlcluster "$version" main start 3>&-   # the server must not hold our stdout open
fi

psql_as_postgres() { runuser -u postgres -- psql -qtAX "$@"; }
for _ in $(seq 1 30); do psql_as_postgres -c 'select 1' >/dev/null 2>&1 && break; sleep 0.5; done
if [ "$(psql_as_postgres -c "select 1 from pg_roles where rolname = 'memgrowth'")" != 1 ]; then
  psql_as_postgres -c "create role memgrowth login password 'memgrowth'"
fi
if [ "$(psql_as_postgres -c "select 1 from pg_database where datname = 'memgrowth_test'")" != 1 ]; then
  psql_as_postgres -c "create database memgrowth_test owner memgrowth"
fi
echo "Host=127.0.0.1;Port=5432;Username=memgrowth;Password=memgrowth;Database=memgrowth_test" >&3
