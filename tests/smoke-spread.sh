#!/usr/bin/env bash
# The spread of the live `memgrowth validate --quick` run, which sets its smoke bounds
# (src/Validation/Scoring/SmokeBounds.cs, docs/validation/smoke.md). Runs it N times (default 10), every
# other run beside `stress-ng -c <cores>`, and prints one line per measure: its range over the runs.
# Needs root (eBPF) and stress-ng (apt-get install stress-ng). About 2.5 minutes a run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-10}"
bin="$root/src/Cli/bin/Release/net10.0/memgrowth"
[ -x "$bin" ] || { echo "build first: ./memgrowth build" >&2; exit 1; }
command -v stress-ng >/dev/null || { echo "stress-ng is missing: apt-get install stress-ng" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for i in $(seq 1 "$runs"); do
  load=no stress=
  if (( i % 2 == 0 )); then load=yes; stress-ng -c "$(nproc)" --timeout 1h >/dev/null 2>&1 & stress=$!; fi
  "$bin" validate --quick --out "$out/run-$i" > "$out/run-$i.log" 2>&1 || true
  [ -n "$stress" ] && { kill "$stress"; wait "$stress" 2>/dev/null || true; }
  echo "run $i (load: $load): $(grep -c '^target met' "$out/run-$i.log") met, $(grep -c '^target MISSED' "$out/run-$i.log") missed" >&2
done
# One line per measure: the values of every run, in order.
for measure in "true-positive rate" "false-positive rate" "ambiguous cases" "pattern classification" "growth-rate error" \
               "Spearman" "latency p50" "latency p95" "tracked within" "cleaned up within"; do
  values="$(grep -h "$measure" "$out"/run-*.log | sed -E 's/^target (met|MISSED) +//; s/ \(target.*//; s/^[^:]*: //' | paste -sd ';' -)"
  printf '%s: %s\n' "$measure" "$values"
done
