#!/usr/bin/env bash
# Builds the pico-Pythia v2 suite (pipelines/pico/suite-v2.json) on the mini-Pile v2 and installs it in models/pico/.
# Resumable: every step skips what is done, and training resumes from each size's train-state/ (saved every 250
# updates and at every checkpoint), so after an interruption simply run it again.
#   pipelines/pico/build.sh train     # start or resume training (background processes; returns at once)
#   pipelines/pico/build.sh status    # steps done per size, tokens/s, and whether the trainers are running
#   pipelines/pico/build.sh install   # once every size is done: score, report, copy the checkpoints into models/pico/
# WORK=<dir> holds the runs (default ~/.cache/quanta/pico-v2); MINI_PILE=<dir> the built mini-Pile v2
# (default $WORK/mini-pile, built by pipelines/mini-pile/build.sh when missing).
# The sizes train in PROCESSES processes of one thread each (default: cores + 1; sizes split to finish together),
# without contention inside libtorch; wall time and tokens/s of every session go to <size>/train_timing.csv.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
WORK=${WORK:-$HOME/.cache/quanta/pico-v2}
MINI_PILE=${MINI_PILE:-$WORK/mini-pile}
SUITE=$root/pipelines/pico/suite-v2.json
# One process more than cores, so that the largest size does not set the wall time alone.
PROCESSES=${PROCESSES:-$(( $(nproc) + 1 ))}
mkdir -p "$WORK/logs" "$WORK/suite"
quanta() { dotnet "$WORK/bin/quanta.dll" "$@"; }
# The trainer runs from its own copy of the build, so rebuilding the repository does not disturb a running training.
if [ ! -f "$WORK/bin/quanta.dll" ]; then
  dotnet build src/QuantaDiscovery.Cli/QuantaDiscovery.Cli.csproj -c Release 2>&1 | grep -E " error |rror\(s\)" || true
  mkdir -p "$WORK/bin" && cp -r src/QuantaDiscovery.Cli/bin/Release/net10.0/. "$WORK/bin/"
fi
# names[i] and group[i]: each size goes to one of $PROCESSES training processes, balanced by estimated time per update
# (measured on this 2-core machine: ~60 ms of fixed cost + 0.37 µs per non-embedding and unembedding parameter)
read -r -a names <<<"$(python3 -c "
import json
s = json.load(open('$SUITE'))
def count(n): return str(n) if n < 1000 else (f'{round(n/1e3)}k' if n < 1_000_000 else f'{round(n/1e6,1)}m')
print(' '.join(s['name_prefix'] + '-' + count(z['layers'] * (12 * z['d_model'] ** 2 + 13 * z['d_model']) + 2 * z['d_model']) for z in s['sizes']))")"
read -r -a group <<<"$(python3 -c "
import json
s = json.load(open('$SUITE'))
vocab = len(json.load(open('$WORK/tokenizer.json'))['model']['vocab']) if __import__('os').path.exists('$WORK/tokenizer.json') else 4268
cost = [60 + 0.37e-3 * (z['layers'] * 12 * z['d_model'] ** 2 + vocab * z['d_model']) for z in s['sizes']]
load, group = [0.0] * $PROCESSES, [0] * len(cost)
for i in sorted(range(len(cost)), key=lambda i: -cost[i]):
    g = load.index(min(load))
    group[i] = g; load[g] += cost[i]
print(' '.join(map(str, group)))")"
members() { for i in "${!names[@]}"; do if [ "${group[$i]}" = "$1" ]; then echo -n "${names[$i]} "; fi; done; }
steps=$(python3 -c "import json; print(json.load(open('$SUITE'))['steps'])")

case "${1:-train}" in
train)
  if [ ! -f "$MINI_PILE/train.jsonl" ]; then
    pipelines/mini-pile/build.sh "$MINI_PILE"
    zstd -dqf "$MINI_PILE/train.jsonl.zst" -o "$MINI_PILE/train.jsonl"
  fi
  [ -f "$WORK/tokenizer.json" ] || quanta truncate-tokenizer --tokenizer models/tokenizers/gpt-neox-20b/tokenizer.json --merges 4000 --output "$WORK/tokenizer.json"
  cp "$SUITE" "$WORK/suite.json"
  train() { setsid nohup dotnet "$WORK/bin/quanta.dll" train-lm --suite "$WORK/suite.json" --corpus "$MINI_PILE/train.jsonl" \
      --tokenizer "$WORK/tokenizer.json" --output "$WORK/suite" --threads 1 --only "$@" >> "$WORK/logs/$1.log" 2>&1 < /dev/null & }
  first=($(members 0))
  pgrep -f "train-lm.*--only ${first[0]}" >/dev/null || train "${first[@]}"
  # the other processes start once the first has built the shared token stream (tokens.npy)
  until [ -d "$WORK/suite/${first[0]}" ]; do sleep 5; done
  for g in $(seq 1 $((PROCESSES - 1))); do
    others=($(members "$g"))
    [ ${#others[@]} -eq 0 ] || pgrep -f "train-lm.*--only ${others[0]}" >/dev/null || train "${others[@]}"
  done
  echo "training in $WORK/suite (logs in $WORK/logs); run '$0 status' to follow it" ;;
status)
  for name in "${names[@]}"; do
    last=$(tail -n 1 "$WORK/suite/$name/train_log.csv" 2>/dev/null | cut -d, -f1 || true)
    echo "$name: step ${last:-0}/$steps"
  done
  pgrep -af "quanta.dll train-lm" | sed 's/.*--only/running:/' || echo "no trainer running" ;;
install)
  for name in "${names[@]}"; do
    [ -d "$WORK/suite/$name/step$steps" ] || { echo "error: $name has not reached step $steps yet; run '$0 train'" >&2; exit 2; }
  done
  # 1. every checkpoint as ONNX (a copy of the folder, exported; safetensors dropped from the copy)
  models=(); finals=()
  for name in "${names[@]}"; do
    for folder in "$WORK/suite/$name"/step*/; do
      step=$(basename "$folder"); onnx="$WORK/onnx/$name/$step"
      if [ ! -f "$onnx/model.onnx" ]; then
        mkdir -p "$onnx" && cp "$folder"/config.json "$folder"/tokenizer.json "$folder"/model.safetensors "$onnx/"
        quanta export-onnx --model "$onnx" >/dev/null && rm "$onnx/model.safetensors" "$onnx/SHA256SUMS" 2>/dev/null || true
      fi
      models+=(--model "$onnx")
    done
    finals+=(--model "$WORK/onnx/$name/step$steps")
  done
  # 2. test loss of every checkpoint on the first $SCORED_DOCUMENTS test documents, and of the final ones on all of them
  SCORED_DOCUMENTS=${SCORED_DOCUMENTS:-400}
  [ -f "$WORK/scores/loss_matrix.npy" ] || quanta losses "${models[@]}" --input "$MINI_PILE/test.jsonl.zst" \
      --output "$WORK/scores" --context 256 --max-docs "$SCORED_DOCUMENTS" --quiet
  [ -f "$WORK/scores-final/loss_matrix.npy" ] || quanta losses "${finals[@]}" --input "$MINI_PILE/test.jsonl.zst" \
      --output "$WORK/scores-final" --context 256 --quiet
  quanta suite-report --suite "$WORK/suite.json" --losses "$WORK/scores" --output "$WORK/report"
  # 3. into the repository: every checkpoint of the four smaller sizes; for the three largest, steps 0, 512 and every
  #    second evenly spaced one (1,200, 2,400, …: the demo's steps), so models/ stays near 100 MB; the rest is
  #    reproducible by this script (and all 147 checkpoints' test losses are in test_losses.csv)
  target=$root/models/pico
  rm -rf "$target"/pico-* && mkdir -p "$target"
  for i in "${!names[@]}"; do
    name=${names[$i]}; mkdir -p "$target/$name"
    for folder in "$WORK/suite/$name"/step*/; do
      step=${folder%/}; step=${step##*/step}
      if [ "$i" -lt $(( ${#names[@]} - 3 )) ] || [ "$step" -eq 0 ] || [ "$step" -eq 512 ] || { [ "$step" -gt 512 ] && [ $(( step % (steps / 5) )) -eq 0 ]; }; then
        mkdir -p "$target/$name/step$step" && cp "$folder"/config.json "$folder"/model.safetensors "$folder"/tokenizer.json "$target/$name/step$step/"
      fi
    done
    cp "$WORK/suite/$name/train_log.csv" "$WORK/suite/$name/train_timing.csv" "$target/$name/"
  done
  cp "$WORK/suite.json" "$WORK/tokenizer.json" "$target/"
  cp "$WORK/report"/test_losses.csv "$WORK/report"/loss_vs_size.* "$WORK/report"/loss_vs_step.* "$target/"
  # the final checkpoints on the whole test split: mean loss, share below 0.1 nats and α_N, with 95% bootstrap intervals
  quanta scaling --losses "$WORK/scores-final/loss_matrix.parquet" --params "$WORK/scores-final/models.csv" \
      --output "$WORK/scaling-final" --bootstrap 200 >/dev/null
  cp "$WORK/scaling-final/models.csv" "$target/final_test_losses.csv"
  cp "$WORK/scaling-final/summary.json" "$target/final_scaling_summary.json"
  # models.csv: the final checkpoints, as `quanta scaling` reads them
  cut -d, -f1,2 "$WORK/scores-final/models.csv" > "$target/models.csv"
  # 4. the mini-Pile v2 test split and manifest (the train split stays local: data/mini-pile/.gitignore)
  cp "$MINI_PILE/test.jsonl.zst" "$MINI_PILE/manifest.json" "$MINI_PILE/SHA256SUMS" "$root/data/mini-pile/"
  cp "$MINI_PILE/train.jsonl.zst" "$root/data/mini-pile/"
  du -sh "$target"
  echo "installed into $target and data/mini-pile; next: quanta run pipelines/demo.yaml" ;;
*) echo "usage: $0 [train|status|install]" >&2; exit 2 ;;
esac
