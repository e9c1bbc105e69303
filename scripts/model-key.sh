#!/usr/bin/env bash
# Prints the training key of one committed model: a SHA-256 over everything its bytes depend on — the
# sources of the training app and of the libraries it builds from (training/, inference/ but its samples
# and hosting companion), the shared build and package-version files, the model's config.json and its
# data files. Left out: the code that `train` never runs (the benchmarks and plots, and their commands),
# so that changing a benchmark does not retrain every model. models/AutoEncoder.Models.csproj retrains a model only when this differs from the key
# recorded beside it, so a fresh clone of a commit whose models were trained by its own code trains
# nothing, whatever the files' timestamps. Contents only, by paths relative to the repository: the key
# is the same in any clone. (The host is not part of it: other CPUs give other float32 bytes.)
#
# Usage: scripts/model-key.sh MODEL_CONFIG DATA_DIR [--list]   (--list prints what is hashed instead)
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 MODEL_CONFIG DATA_DIR [--list]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
config=$(realpath -m --relative-to="$root" "$1")
data=$(realpath -m --relative-to="$root" "$2")
cd "$root"
[ -f "$config" ] || { echo "error: model config $config not found" >&2; exit 1; }
[ -d "$data" ] || { echo "error: data folder $data not found (run make data)" >&2; exit 1; }

inputs() {
  find training inference \( -name bin -o -name obj -o -path inference/samples -o -path inference/Hosting \
    -o -path training/Bench -o -path training/Plots -o -path 'training/Cli/Bench*' -o -path training/Cli/PlotCommand.cs \) -prune \
    -o -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.proto' \) -print
  echo Directory.Build.props
  echo Directory.Packages.props
  echo global.json
  echo "$config"
  find "$data" -maxdepth 1 -type f -print
}

listing=$(inputs | LC_ALL=C sort | xargs -d '\n' sha256sum)
if [ "${3:-}" = --list ]; then echo "$listing"; else echo "$listing" | sha256sum | cut -d' ' -f1; fi
