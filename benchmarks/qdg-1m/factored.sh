#!/usr/bin/env bash
# Factored (LoGra-style) against flat sparse projection, both against exact per-token gradients of the trained pico-13k
# (step 240) on N low-loss tokens of the mini-Pile test split: the Pearson correlation of all pairwise cosines and the
# ARI between our spectral clusterings (quanta similarity + quanta cluster, K clusters, n_init 10) of exact and projected,
# as a function of the budget B (columns of the projected gradient). The exact clustering with another seed gives the
# ceiling an ARI can be judged by.
# Re-run: benchmarks/qdg-1m/factored.sh   (WORK=<folder>, N=3000, BUDGETS="256 1024 4096", K=30, THREADS=1)
set -euo pipefail
cd "$(dirname "$0")"
REPO=$(cd ../.. && pwd)
WORK=${WORK:-$REPO/work/qdg-1m/factored}
N=${N:-3000}
BUDGETS=${BUDGETS:-256 1024 4096}
K=${K:-30}
THREADS=${THREADS:-1}
PY=/usr/bin/python3
mkdir -p "$WORK"
if [ -z "${QUANTA:-}" ]; then
  dotnet build "$REPO/src/QuantaDiscovery.Cli/QuantaDiscovery.Cli.csproj" -c Release 2>&1 | grep -E " error |rror\(s\)" || true
  QUANTA="dotnet $REPO/src/QuantaDiscovery.Cli/bin/Release/net10.0/quanta.dll"
fi
CORPUS="$REPO/data/mini-pile/test.jsonl.zst"
if [ ! -f "$WORK/model/model.onnx" ]; then
  rm -rf "$WORK/model" && cp -r "$REPO/models/pico/pico-13k/step240" "$WORK/model"
  $QUANTA export-onnx --model "$WORK/model" > /dev/null
fi
[ -f "$WORK/scored/losses/model.parquet" ] || $QUANTA losses --model "$WORK/model" --input "$CORPUS" --output "$WORK/scored" \
  --context 128 --batch-size 32 --threads "$THREADS" > /dev/null
[ -f "$WORK/select/samples.parquet" ] || $QUANTA select --losses "$WORK/scored/losses/model.parquet" --input "$CORPUS" --model "$WORK/model" \
  --output "$WORK/select" --max-loss 2.0 --stride 1 --samples "$N" --context 128 > /dev/null

run() {  # projection, folder
  if [ ! -f "$2/gradients.json" ]; then
    /usr/bin/time -f "%e s wall, %M KiB peak RSS" -o "$2.time" $QUANTA gradients --model "$WORK/model" --input "$CORPUS" \
      --samples "$WORK/select/samples.parquet" --output "$2" --projection "$1" --seed 0 --context 128 --threads "$THREADS" > /dev/null 2>&1
  fi
  if [ ! -f "$2/labels.npy" ]; then
    $QUANTA similarity --gradients "$2/gradients.npy" --output "$2/affinity.npy" > /dev/null
    $QUANTA cluster --affinity "$2/affinity.npy" --clusters "$K" --output "$2/labels.npy" --n-init 10 --seed "${3:-0}" > /dev/null
    rm "$2/affinity.npy"
  fi
  echo "$1: $(cat "$2.time")"
}
run none "$WORK/none"
for b in $BUDGETS; do run "factored:$b" "$WORK/factored-$b"; run "$b" "$WORK/sparse-$b"; done
mkdir -p "$WORK/none-seed1" && cp "$WORK/none/gradients.npy" "$WORK/none/gradients.json" "$WORK/none-seed1/" && cp "$WORK/none.time" "$WORK/none-seed1.time"
run none "$WORK/none-seed1" 1
$PY ../gradients/agreement.py "$WORK/none/gradients.npy" "$WORK/none-seed1/gradients.npy" \
  $(for b in $BUDGETS; do echo "$WORK/factored-$b/gradients.npy $WORK/sparse-$b/gradients.npy"; done) --quanta-labels
