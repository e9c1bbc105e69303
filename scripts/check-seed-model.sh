#!/usr/bin/env bash
# Retrains the committed seed model (about a second) from its own config into a scratch folder and checks
# that the three ONNX files come out byte for byte as committed: the proof that models/ was trained by this
# code, beside the training key that only says so. (The bytes hold on the kind of CPU that trained them:
# another vector unit rounds float32 differently.)
set -euo pipefail
config=${1:-Release}
app=training/AutoEncoder.Training/bin/$config/net10.0/autoencoder.dll
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet "$app" train --config models/config.json --out "$out" >"$out/log" 2>&1 ||
  { cat "$out/log" >&2; echo "error: retraining the seed model failed" >&2; exit 1; }
for file in encoder.onnx decoder.onnx autoencoder.onnx; do
  cmp -s "$out/$file" "models/$file" ||
    { echo "error: models/$file: expected the bytes this code trains from models/config.json, found others (run make models)" >&2; exit 1; }
done
echo "seed model retrained byte-identical to models/ (encoder, decoder, autoencoder)"
