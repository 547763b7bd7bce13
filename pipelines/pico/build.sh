#!/usr/bin/env bash
# Builds the pico-Pythia v2 suite (pipelines/pico/suite-v2.json) on the mini-Pile v2 and installs it in models/pico/.
# Resumable: every step skips what is done, and training resumes from each size's train-state/ (saved every 250
# updates and at every checkpoint), so after an interruption simply run it again.
#   pipelines/pico/build.sh train     # start or resume training (two background processes; returns at once)
#   pipelines/pico/build.sh status    # steps done per size, tokens/s, and whether the trainers are running
#   pipelines/pico/build.sh install   # once every size is done: score, report, copy the checkpoints into models/pico/
# WORK=<dir> holds the runs (default ~/.cache/quanta/pico-v2); MINI_PILE=<dir> the built mini-Pile v2
# (default $WORK/mini-pile, built by pipelines/mini-pile/build.sh when missing).
# The sizes train in two processes of one thread each (sizes split to finish together), so that two cores are used
# without contention inside libtorch; wall time and tokens/s of every session go to <size>/train_timing.csv.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
WORK=${WORK:-$HOME/.cache/quanta/pico-v2}
MINI_PILE=${MINI_PILE:-$WORK/mini-pile}
SUITE=$root/pipelines/pico/suite-v2.json
mkdir -p "$WORK/logs" "$WORK/suite"
quanta() { dotnet "$WORK/bin/quanta.dll" "$@"; }
# The trainer runs from its own copy of the build, so rebuilding the repository does not disturb a running training.
if [ ! -f "$WORK/bin/quanta.dll" ]; then
  dotnet build src/QuantaDiscovery.Cli/QuantaDiscovery.Cli.csproj -c Release 2>&1 | grep -E " error |rror\(s\)" || true
  mkdir -p "$WORK/bin" && cp -r src/QuantaDiscovery.Cli/bin/Release/net10.0/. "$WORK/bin/"
fi
# names[i] and group[i]: each size goes to one of two training processes, balanced by estimated time per update
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
load, group = [0.0, 0.0], [0] * len(cost)
for i in sorted(range(len(cost)), key=lambda i: -cost[i]):
    g = 0 if load[0] <= load[1] else 1
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
  first=($(members 0)); second=($(members 1))
  pgrep -f "train-lm.*--only ${first[0]}" >/dev/null || train "${first[@]}"
  # the second process starts once the first has built the shared token stream (tokens.npy)
  until [ -d "$WORK/suite/${first[0]}" ]; do sleep 5; done
  pgrep -f "train-lm.*--only ${second[0]}" >/dev/null || train "${second[@]}"
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
  echo "install: not yet written; lands with the v2 suite" >&2; exit 2 ;;
*) echo "usage: $0 [train|status|install]" >&2; exit 2 ;;
esac
