#!/usr/bin/env bash
# Peak memory of `quanta losses` against corpus size: the mini-Pile train split (3,822 documents) repeated 1, 4 and 16
# times, scored by pico-3k at context 128 with 2 threads; max RSS from /usr/bin/time -v. Then the largest corpus again
# with the .NET GC heap capped at 128 MB (DOTNET_GCHeapHardLimit): 7.8M rows leave under 17 bytes per row, so anything
# managed that grew with the corpus would end it with "Out of memory". Last, MemoryProbe prints the live managed memory
# (after a full collection) every 250,000 rows over the 4-copy corpus.
# Re-run: benchmarks/losses/memory.sh [copies...]   (about 20 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${WORK:-$PWD/benchmarks/losses/work/memory}
COPIES=("${@:-1 4 16}")
read -r -a COPIES <<< "${COPIES[*]}"
MODEL=models/pico/pico-3k/step240
mkdir -p "$WORK"
dotnet build src/QuantaDiscovery.Cli -c Release 2>&1 | grep -E " error |rror\(s\)" || true
QUANTA="dotnet src/QuantaDiscovery.Cli/bin/Release/net10.0/quanta.dll"
[ -f "$MODEL/model.onnx" ] || $QUANTA export-onnx --model "$MODEL" >/dev/null
zstd -dcq data/mini-pile/train.jsonl.zst > "$WORK/train.jsonl"

run() { # label, corpus, extra env
  local label=$1 corpus=$2; shift 2
  env "$@" /usr/bin/time -v $QUANTA losses --model "$MODEL" --input "$corpus" --output "$WORK/out-$label" \
    --context 128 --threads 2 > "$WORK/$label.log" 2>&1 || true
  local rows rss wall status
  rows=$(tr '\r' '\n' < "$WORK/$label.log" | grep -oP '[0-9,]+(?= losses per model)' | tr -d , || true)
  rss=$(grep -oP 'Maximum resident set size \(kbytes\): \K[0-9]+' "$WORK/$label.log")
  wall=$(grep -oP 'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): \K\S+' "$WORK/$label.log")
  status=$(grep -q "Out of memory" "$WORK/$label.log" && echo "OUT OF MEMORY" || echo ok)
  printf '| %s | %s | %s | %s | %d | %s |\n' "$label" "$(wc -l < "$corpus")" "${rows:-?}" "$wall" $((rss / 1024)) "$status"
}

echo "| run | documents | rows | wall | max RSS (MiB) | result |"
echo "|---|---|---|---|---|---|"
for n in "${COPIES[@]}"; do
  for _ in $(seq "$n"); do cat "$WORK/train.jsonl"; done > "$WORK/train-x$n.jsonl"
  run "x$n" "$WORK/train-x$n.jsonl"
done
largest=${COPIES[-1]}
run "x$largest-gc-cap-128MB" "$WORK/train-x$largest.jsonl" DOTNET_GCHeapHardLimit=0x8000000
echo
dotnet build benchmarks/losses/MemoryProbe/MemoryProbe.csproj -c Release 2>&1 | grep -E " error |rror\(s\)" || true
for _ in 1 2 3 4; do cat "$WORK/train.jsonl"; done > "$WORK/train-probe.jsonl"
dotnet benchmarks/losses/MemoryProbe/bin/Release/net10.0/MemoryProbe.dll "$MODEL" "$WORK/train-probe.jsonl" "$WORK/out-probe" 128
rm -f "$WORK"/train-x*.jsonl "$WORK/train-probe.jsonl"
