#!/usr/bin/env bash
# Builds the solution twice. The first build trains and exports every committed model that is out of
# date (models/AutoEncoder.Models.csproj); the second embeds any retrained model in the inference
# library, and must train nothing: it fails if it does, so every `make build` shows the models target
# is incremental.
set -euo pipefail
config=${1:-Release}
dotnet build AutoEncoder.sln -c "$config" --nologo -v minimal -clp:NoSummary
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet build AutoEncoder.sln -c "$config" --nologo -v minimal -clp:NoSummary | tee "$log"
if grep -q "(out of date)" "$log"; then
  echo "error: the second build trained again; the models target's Inputs/Outputs are not incremental" >&2
  exit 1
fi
echo "second build: every model up to date, nothing trained"
