#!/usr/bin/env bash
# Runs the xunit suite and closes with one plain "N passed, N failed" line.
set -uo pipefail
config=${1:-Release}
filter=${2:-}
log=$(mktemp)
crashes=$(mktemp -d)
trap 'rm -rf "$log" "$crashes"' EXIT

# A test host that dies in native code says only "Test host process crashed": --blame names the test that was
# running, and the runtime's crash report (a small dump beside it, deleted on exit) gives the native stack.
DOTNET_DbgEnableMiniDump=1 DOTNET_DbgMiniDumpType=1 DOTNET_EnableCrashReport=1 DOTNET_DbgMiniDumpName="$crashes/dump.%p" \
  dotnet test AutoEncoder.sln -c "$config" --no-build --nologo --blame ${filter:+--filter "$filter"} 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
/usr/bin/python3 scripts/crash_report.py "$crashes" || true

count() { grep -Eo "$1: +[0-9]+" "$log" | grep -Eo '[0-9]+' | awk '{ s += $1 } END { print s + 0 }'; }
passed=$(count Passed)
failed=$(count Failed)
skipped=$(count Skipped)
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$passed" -gt 0 ] || exit 1
