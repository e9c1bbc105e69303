#!/usr/bin/env bash
# Runs the xunit suite and closes with one plain "N passed, N failed" line.
set -uo pipefail
config=${1:-Release}
filter=${2:-}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet test AutoEncoder.sln -c "$config" --no-build --nologo ${filter:+--filter "$filter"} 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

count() { grep -Eo "$1: +[0-9]+" "$log" | grep -Eo '[0-9]+' | awk '{ s += $1 } END { print s + 0 }'; }
passed=$(count Passed)
failed=$(count Failed)
skipped=$(count Skipped)
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$passed" -gt 0 ] || exit 1
