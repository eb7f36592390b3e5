#!/usr/bin/env bash
# Runs every test project and ends with one line CI reads: "N passed, N failed, N skipped".
# Tests that need the kernel (BPF, cgroups) run for real; with CI=true they fail rather than skip.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

passed=0 failed=0 skipped=0
if ! dotnet build "$root/MemGrowth.Actors.sln" -c Release -nologo -v quiet -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

for project in "$root"/tests/*/*.Tests.csproj; do
  name="$(basename "$project" .csproj)"
  echo "=== $name"
  dotnet test "$project" -c Release --no-build -nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@"
  trx="$results/$name.trx"
  if [ ! -f "$trx" ]; then
    echo "$name: no results (the test host crashed?)"
    failed=$((failed + 1))
    continue
  fi
  counters="$(grep -o '<Counters [^>]*>' "$trx")"
  count() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  p=$(count passed) f=$(count failed) t=$(count total) e=$(count executed)
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + t - e))
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
