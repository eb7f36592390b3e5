#!/usr/bin/env bash
# Where a process's resident memory goes, from /proc/PID/smaps: KiB per kind of mapping.
#   tests/rss-breakdown.sh PID [--files]
#       the kinds (GC heap and malloc arenas, JIT code, loader heaps, assemblies, ...); --files: every
#       mapped file, largest first
#   tests/rss-breakdown.sh --run GROWERS SECONDS [memgrowth run options]
#       starts `memgrowth run` (Release build) with a fresh history in a temporary directory, then GROWERS
#       `memgrowth grow --pattern linear --rate 1`, waits SECONDS, prints the agent's breakdown and stops
#       them all (docs/bench/memory.md). Options after SECONDS go to `memgrowth run`, e.g. --data-dir "" --api "";
#       MEMGROWTH_BIN=path runs another build.
# A .NET process under W^X (the default) keeps its JIT'd code and loader heaps in memfd:doublemapper
# mappings (shared memory, not anonymous); its GC heap, malloc arenas and thread stacks are anonymous.
set -euo pipefail

breakdown() {
  awk -v mode="$2" '
    /^[0-9a-f]+-[0-9a-f]+ / {
      perms = $2; name = ""
      for (i = 6; i <= NF; i++) name = name (i > 6 ? " " : "") $i
      if (mode == "--files") key = name == "" ? "[anonymous]" : name
      else if (name == "") key = "anonymous: GC heap, malloc arenas, thread stacks"
      else if (name == "[heap]") key = "[heap]: the main malloc arena"
      else if (name ~ /doublemapper/) key = (perms ~ /x/) ? "doublemapper r-x: JIT code, stubs" : "doublemapper rw: loader heaps (types, methods), code being written"
      else if (name ~ /anon_inode:bpf/) key = "bpf maps: the ring buffer, mapped twice"
      else if (name ~ /\/shared\/Microsoft\.NETCore\.App\// && name ~ /\.dll$/) key = "framework assemblies (ReadyToRun)"
      else if (name ~ /\/shared\/Microsoft\.AspNetCore\.App\//) key = "ASP.NET Core framework assemblies"
      else if (name ~ /\/shared\/Microsoft\.NETCore\.App\//) key = "runtime native libraries (coreclr, clrjit, ...)"
      else if (name ~ /\.dll$/) key = "application assemblies (IL: packages and ours)"
      else if (name ~ /\.so/) key = "other native libraries (libc, libcrypto, libbpf, sqlite, ...)"
      else key = "other: " name
      next
    }
    /^Rss:/ { rss[key] += $2; total += $2 }
    END {
      for (k in rss) if (rss[k] > 0) printf "%8d  %s\n", rss[k], k | "sort -rn"
      close("sort -rn")
      printf "%8d  total KiB (VmRSS)\n", total
    }
  ' "/proc/$1/smaps"
}

if [ "${1:-}" != "--run" ]; then
  breakdown "${1:?usage: tests/rss-breakdown.sh PID [--files] | --run GROWERS SECONDS [run options]}" "${2:-}"
  exit
fi

growers="${2:?--run GROWERS SECONDS}"; seconds="${3:?--run GROWERS SECONDS}"; shift 3
bin="${MEMGROWTH_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/src/Cli/bin/Release/net10.0/memgrowth}"
work="$(mktemp -d)"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$bin" run --interval 1s --quiet --jsonl "$work/agent.jsonl" --status-file "$work/status.json" \
  --data-dir "$work/history" --api 127.0.0.1:0 "$@" >/dev/null 2>"$work/agent.err" &
agent=$!
pids+=("$agent")
for _ in $(seq 300); do grep -q agent_ready "$work/agent.jsonl" 2>/dev/null && break; sleep 0.2; done
grep -q agent_ready "$work/agent.jsonl" || { cat "$work/agent.err" >&2; echo "the agent never became ready" >&2; exit 1; }
for _ in $(seq "$growers"); do
  "$bin" grow --pattern linear --rate 1 --duration $((seconds + 30)) >/dev/null 2>&1 &
  pids+=($!)
done
sleep "$seconds"
printf 'agent %s, %s growers, %s s; %s detections; load average %s\n' "$agent" "$growers" "$seconds" \
  "$(grep -c growth_detected "$work/agent.jsonl" || true)" "$(cut -d' ' -f1-3 /proc/loadavg)"
breakdown "$agent" ""
