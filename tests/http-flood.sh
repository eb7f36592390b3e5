#!/usr/bin/env bash
# The history API under a connection flood: starts `memgrowth run --source procfs` with a fresh data
# directory, opens N idle connections to its API (default 8000), holds them, closes them, and prints the
# node's VmRSS before, during (5 s in) and after, its peak, and how many were closed past the cap (Kestrel
# closes them unanswered; the small server of before answered 503).
# Usage: tests/http-flood.sh [N]      (build first: ./memgrowth build)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-8000}"
bin="$root/src/Cli/bin/Release/net10.0/memgrowth"
dir="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
ulimit -n $((n + 1024))

"$bin" run --source procfs --data-dir "$dir/history" --api 127.0.0.1:0 --jsonl "$dir/out.jsonl" --status-file "" --quiet &
pid=$!
for _ in $(seq 1 120); do grep -q agent_ready "$dir/out.jsonl" 2>/dev/null && break; sleep 0.5; done
api="$(python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1]) if "agent_ready" in l][0]["history_api"])' "$dir/out.jsonl")"
rss() { awk '/^VmRSS/ {printf "%.0f MiB", $2 / 1024}' "/proc/$pid/status"; }
curl -s "$api/api/leaks" >/dev/null
sleep 5
echo "http-flood: $n idle connections to $api (memgrowth pid $pid)"
echo "before: $(rss)"
python3 - "$api" "$n" "$pid" <<'PY'
import socket, subprocess, sys, time, urllib.parse
api, n, pid = urllib.parse.urlparse(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def rss():
    return next(f"{int(l.split()[1]) // 1024} MiB" for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS"))
socks, reset = [], 0
for _ in range(n):
    try:
        socks.append(socket.create_connection((api.hostname, api.port)))
    except ConnectionError:
        reset += 1
time.sleep(5)
refused = closed = 0
for s in socks:
    s.setblocking(False)
    try:
        data = s.recv(64)
        if data.startswith(b"HTTP/1.1 503"):
            refused += 1
        elif not data:
            closed += 1
    except BlockingIOError:
        pass
    except ConnectionError:
        reset += 1
print(f"during: {rss()} ({closed} of {n} closed unanswered, {refused} answered 503, {reset} reset, {n - closed - refused - reset} held)")
for s in socks:
    s.close()
time.sleep(15)
print(f"after: {rss()} (15 s after the clients closed)")
print("peak: " + next(f"{int(l.split()[1]) // 1024} MiB" for l in open(f"/proc/{pid}/status") if l.startswith("VmHWM")) + " (VmHWM, since the node started)")
PY
