#!/usr/bin/env bash
# Per-token gradients (paper parameter filter) on CPU: ours (one shared forward per document, one backward per token)
# vs PyTorch eager the paper's way (one forward + one backward per token), same random GPT-NeoX and same targets from
# the mini-pile test split; then the sketch path (quanta gradients --projection K) against exact gradients on the same
# tokens: cosine errors and ARI of spectral clusterings. Re-run: benchmarks/gradients/run.sh  (THREADS=1 to override)
set -euo pipefail
cd "$(dirname "$0")"
REPO=$(cd ../.. && pwd)
WORK=${WORK:-$PWD/work}
THREADS=${THREADS:-2}
CONTEXT=${CONTEXT:-256}
K=${K:-1024}
mkdir -p "$WORK"
dotnet build GradBench/GradBench.csproj -c Release 2>&1 | grep -E " error |rror\(s\)" || true
dotnet build "$REPO/src/QuantaDiscovery.Cli/QuantaDiscovery.Cli.csproj" -c Release 2>&1 | grep -E " error |rror\(s\)" || true
BENCH="dotnet GradBench/bin/Release/net10.0/GradBench.dll"
QUANTA="dotnet $REPO/src/QuantaDiscovery.Cli/bin/Release/net10.0/quanta.dll"

# 1. Throughput: 8 documents × 4 targets.
$BENCH prepare "$WORK" tiny:64:2:4 "$CONTEXT" 8 4
$BENCH throughput "$WORK" tiny "$THREADS" | tee "$WORK/ours.json"
/usr/bin/python3 bench_torch.py "$WORK" "$THREADS" tiny | tee "$WORK/torch.json"
/usr/bin/python3 - "$WORK" <<'PY'
import json, sys
ours, torch = (json.load(open(f"{sys.argv[1]}/{n}.json")) for n in ("ours", "torch"))
print(f"tokens {ours['tokens']}, d = {ours['dimension']}: ours {ours['shared_tokens_per_s']:.2f} tokens/s "
      f"({ours['forward_passes']} forwards, {ours['backward_passes']} backwards), PyTorch {torch['tokens_per_s']:.2f} tokens/s, "
      f"ratio {ours['shared_tokens_per_s'] / torch['tokens_per_s']:.2f}x; max relative difference {torch['max_relative_difference_vs_ours']:.1e}")
PY

# 2. Sketch path: 100 documents × 4 targets, projected to K and exact, through the CLI.
$BENCH prepare "$WORK" sketch:64:2:4 "$CONTEXT" 100 4
S="$WORK/sketch"
for mode in "$K" none; do
  /usr/bin/time -f "max RSS %M KiB, %e s wall" $QUANTA gradients --model "$S" --input "$S/corpus.jsonl" --samples "$S/samples.parquet" \
    --output "$S/$mode" --projection "$mode" --context "$CONTEXT" --threads "$THREADS" 2>&1 | tail -2
  /usr/bin/python3 -c "import json; j = json.load(open('$S/$mode/gradients.json')); print('$mode:', j['n'], 'tokens,', j['columns'], 'columns,', round(j['n'] / j['seconds'], 2), 'tokens/s,', j['backward_passes'], 'backward passes')"
done
/usr/bin/python3 agreement.py "$S/none/gradients.npy" "$S/$K/gradients.npy" --sklearn-clusters 10
