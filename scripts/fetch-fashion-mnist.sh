#!/usr/bin/env bash
# Puts the four Fashion-MNIST IDX files in $1 (default data/fashion-mnist), uncompressed, from Debian's
# package dataset-fashion-mnist (downloaded with apt-get download and unpacked, never installed), and
# verifies the MD5 of each unzipped file (Debian recompressed the .gz files, so only the contents match
# upstream's). Does nothing when valid files are already there; never leaves a partial file behind.
set -euo pipefail

dest=${1:-data/fashion-mnist}
package=dataset-fashion-mnist
source=/usr/share/datasets/fashion-mnist
declare -A md5=(
  [train-images-idx3-ubyte]=f4a8712d7a061bf5bd6d2ca38dc4d50a
  [train-labels-idx1-ubyte]=9018921c3c673c538a1fc5bad174d6f9
  [t10k-images-idx3-ubyte]=8181f5470baa50b63fa0f6fddb340f0a
  [t10k-labels-idx1-ubyte]=15d484375f8d13e6eb1aabb0c3f46965
)

valid() { [ -f "$1/$2" ] && [ "$(md5sum < "$1/$2" | cut -d' ' -f1)" = "${md5[$2]}" ]; }

missing=()
for file in "${!md5[@]}"; do valid "$dest" "$file" || missing+=("$file"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "Fashion-MNIST already in $dest (MD5 verified)"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "fetching Fashion-MNIST from Debian package $package ..."
if ! (cd "$work" && apt-get download "$package" >/dev/null 2>&1); then
  apt-get update -qq >/dev/null 2>&1 || true
  (cd "$work" && apt-get download "$package" >/dev/null) || { echo "error: 'apt-get download $package' failed" >&2; exit 1; }
fi
dpkg -x "$work"/${package}_*.deb "$work/root"

mkdir -p "$dest"
for file in "${missing[@]}"; do
  gzip -dc "$work/root$source/$file.gz" > "$work/$file" ||
    { echo "error: $source/$file.gz from $package: expected a gzip file, found none or a corrupt one" >&2; exit 1; }
  valid "$work" "$file" ||
    { echo "error: $file from $package: expected MD5 ${md5[$file]}, found $(md5sum < "$work/$file" | cut -d' ' -f1)" >&2; exit 1; }
  # Copy beside the target, then rename: a reader never sees a half-written file.
  cp "$work/$file" "$dest/.$file.tmp"
  mv "$dest/.$file.tmp" "$dest/$file"
  echo "  $file  ${md5[$file]}  ok"
done
echo "Fashion-MNIST ready in $dest"
