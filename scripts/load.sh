#!/usr/bin/env bash
# `make load`: starts the encoder service on loopback with the deep model, waits until /healthz answers,
# runs the load generator (8 clients, 30 s per batch size, beside EncodeBatch in-process), and stops the
# service again, whatever happens.
set -euo pipefail
config=${1:-Release}
models=${MODELS_DIR:-models/deep}
port=${PORT:-5099}
service=inference/samples/EncoderService/bin/$config/net10.0/EncoderService.dll
load=inference/samples/LoadTest/bin/$config/net10.0/LoadTest.dll

PORT=$port dotnet "$service" --AutoEncoder:ModelDirectory="$models" \
  --Map:Images=data/mnist/t10k-images-idx3-ubyte --Map:Labels=data/mnist/t10k-labels-idx1-ubyte >/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  kill -0 $pid 2>/dev/null || { echo "error: the service exited before answering /healthz" >&2; exit 1; }
  sleep 0.2
done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { echo "error: the service did not answer /healthz within 20 s" >&2; exit 1; }
echo "service: pid $pid on port $port, models $models, $(nproc) cores"
dotnet "$load" --url "http://127.0.0.1:$port" --models "$models" --pid $pid "${@:2}"
