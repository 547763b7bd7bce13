#!/usr/bin/env bash
# Training throughput (tokens/s, float32, CPU): `quanta train-lm` (TorchSharp) vs the same GPT-NeoX step in plain
# PyTorch (bench_torch.py), same shapes, batch, context and token stream (the mini-Pile test split tokenized with
# models/pico/tokenizer.json; ours writes tokens.npy, PyTorch reads it). Each side: one run of STEPS updates, timed
# over all of them. Defaults: the pico v2 suite's seven widths as it was trained (1 thread, batch 8 × 256).
# Re-run: benchmarks/train-lm/run.sh     (THREADS=2 SHAPES="3:96:6 4:256:8" CONTEXT=128 … for other settings)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
WORK=${WORK:-$PWD/work}
THREADS=${THREADS:-1}; CONTEXT=${CONTEXT:-256}; BATCH=${BATCH:-8}; STEPS=${STEPS:-60}
SHAPES=${SHAPES:-"1:8:1 1:16:1 1:32:2 2:48:3 2:64:4 3:80:5 3:96:6"}
# TORCH_ENV: environment for the PyTorch side, e.g. "MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=2147483647" to give
# it the malloc settings quanta's CLI sets for itself (src/QuantaDiscovery.Cli/NativeHeap.cs)
TORCH_ENV=${TORCH_ENV:-}
dotnet build "$ROOT/src/QuantaDiscovery.Cli/QuantaDiscovery.Cli.csproj" -c Release 2>&1 | grep -E " error |rror\(s\)" || true
QUANTA="dotnet $ROOT/src/QuantaDiscovery.Cli/bin/Release/net10.0/quanta.dll"
printf "%-28s %12s %12s %8s\n" "shape (tokens/s)" quanta pytorch ratio
for shape in $SHAPES; do
  IFS=: read -r L D H <<< "$shape"
  rm -rf "$WORK/run"; mkdir -p "$WORK"
  ours=$($QUANTA train-lm --corpus "$ROOT/data/mini-pile/test.jsonl.zst" --tokenizer "$ROOT/models/pico/tokenizer.json" \
    --output "$WORK/run" --layers "$L" --d-model "$D" --heads "$H" --context $CONTEXT --batch-size $BATCH --steps "$STEPS" \
    --checkpoints "$STEPS" --threads $THREADS 2>&1 >/dev/null | grep "step $STEPS/$STEPS" | sed -E 's/.* ([0-9,]+) tokens\/s.*/\1/' | tr -d ,)
  VOCAB=$(/usr/bin/python3 -c "import json,glob,sys; print(json.load(open(glob.glob(sys.argv[1])[0]))['vocab_size'])" "$WORK/run/*/step$STEPS/config.json")
  torch=$(env $TORCH_ENV /usr/bin/python3 bench_torch.py "$WORK/run/tokens.npy" $THREADS $CONTEXT $BATCH "$STEPS" "$L" "$D" "$H" "$VOCAB" \
    | /usr/bin/python3 -c "import json,sys; print(round(json.load(sys.stdin)['tokens_per_s']))")
  printf "%-28s %12s %12s %8s\n" "L=$L d=$D h=$H V=$VOCAB" "$ours" "$torch" "$(/usr/bin/python3 -c "print(f'{$ours/$torch:.2f}x')")"
done
