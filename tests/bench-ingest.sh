#!/usr/bin/env bash
# The ingest benchmark, reproducibly: a fresh journal (an SQLite file, or a PostgreSQL schema of its own in
# the test database tests/postgres.sh provides), one analytics node on 127.0.0.1, then
# `memgrowth bench ingest` with the options given. Cleans up after itself.
#   tests/bench-ingest.sh postgresql --count 100000 --leaks 1000
#   tests/bench-ingest.sh sqlite --count 20000 --leaks 1000 --rate 500 --read-model
# BENCH_PORT sets the analytics node's cluster port (default 4190): two benchmarks on one host need two.
# BENCH_PG_OPTIONS adds connection-string keywords for PostgreSQL, e.g. "SSL Mode=Disable" or
# "Options=-c synchronous_commit=off" (that one trades durability: say so next to any number it gives).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/src/Cli/bin/Release/net10.0/memgrowth"
[ -x "$bin" ] || { echo "build first: ./memgrowth build" >&2; exit 1; }
database="${1:?usage: tests/bench-ingest.sh sqlite|postgresql [bench ingest options]}"
shift
work="$(mktemp -d)"
port="${BENCH_PORT:-4190}"
schema="bench_ingest_$$"
base=""
cleanup() {
  [ -n "${analytics:-}" ] && kill -TERM "$analytics" 2>/dev/null && wait "$analytics" 2>/dev/null || true
  if [ "$database" = postgresql ]; then
    PGPASSWORD=memgrowth psql -q -h 127.0.0.1 -U memgrowth memgrowth_test -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
case "$database" in
  sqlite) export MEMGROWTH_DATABASE=sqlite MEMGROWTH_CONNECTION_STRING="Data Source=$work/fleet.db" ;;
  postgresql)
    base="$("$root/tests/postgres.sh" | tail -n 1)"
    PGPASSWORD=memgrowth psql -q -h 127.0.0.1 -U memgrowth memgrowth_test -c "CREATE SCHEMA $schema" >/dev/null
    export MEMGROWTH_DATABASE=postgresql MEMGROWTH_CONNECTION_STRING="$base;Search Path=$schema${BENCH_PG_OPTIONS:+;$BENCH_PG_OPTIONS}" ;;
  *) echo "database is sqlite or postgresql" >&2; exit 2 ;;
esac
export MEMGROWTH_SEED_NODES="127.0.0.1:$port" MEMGROWTH_ANALYTICS_PORT="$port" MEMGROWTH_API_PORT=0
"$bin" analytics > "$work/analytics.log" 2>&1 &
analytics=$!
for _ in $(seq 1 120); do grep -q "analytics node up" "$work/analytics.log" && break; kill -0 "$analytics" 2>/dev/null || { cat "$work/analytics.log" >&2; exit 1; }; sleep 0.5; done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), kernel $(uname -r); journal $database; load $(cut -d' ' -f1-3 /proc/loadavg)"
# CPU time (user + system, clock ticks) of a process, from /proc/PID/stat (fields 14 and 15).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
cpu_ticks "$analytics" > "$work/before"
# With --warm-up, the node's CPU is counted from the warm-up's end.
( until grep -q '^ingest: warmed up' "$work/bench.log" 2>/dev/null; do kill -0 "$analytics" 2>/dev/null || exit 0; sleep 0.05; done
  cpu_ticks "$analytics" > "$work/before" ) &
watcher=$!
"$bin" bench ingest "$@" 2>&1 | tee "$work/bench.log" | grep -E '^ingest: [0-9]|^ingest: warmed|agent-to-read-model|producer CPU|^memgrowth:'
kill "$watcher" 2>/dev/null || true
before="$(cat "$work/before")"
# The analytics node's CPU over the run (journal, projection, trends), after its start-up; the run ends
# once everything is acknowledged, or, with --read-model, once the read model holds it all.
count="$(sed -n 's/^ingest: \([0-9]*\) detections acknowledged.*/\1/p' "$work/bench.log")"
if [ -n "$count" ] && [ "$count" -gt 0 ]; then
  ticks=$(( $(cpu_ticks "$analytics") - before ))
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="$count" 'BEGIN { printf "ingest: analytics node CPU %.1f s over the run, %.0f us per detection\n", t / hz, t / hz / n * 1e6 }'
fi
