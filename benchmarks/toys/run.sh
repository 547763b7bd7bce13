#!/usr/bin/env bash
# Steps/s of `quanta grok` and `quanta sparse-parity` beside the same model, data and per-step work in
# PyTorch, both on 2 CPU threads. Usage: benchmarks/toys/run.sh   (no arguments; about 2 minutes)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python=/usr/bin/python3
threads=2
grok_steps=300
parity_steps=3000

dotnet build "$root/src/QuantaDiscovery.Cli" -c Release -v quiet -nologo > "$work/build.log" || { cat "$work/build.log"; exit 1; }
quanta="dotnet $root/src/QuantaDiscovery.Cli/bin/Release/net10.0/quanta.dll"
steps_per_second() { "$python" -c "import json,sys; print(f\"{json.load(open(sys.argv[1]))['steps_per_second']:.1f}\")" "$1"; }
ratio() { "$python" -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }

echo "== grokking: x+y mod 59, train fraction 0.5, MLP 2x128 -> 256 -> 59, full batch, $grok_steps steps, $threads threads"
$quanta grok --steps $grok_steps --threads $threads --output "$work/grok" > /dev/null
ours=$(steps_per_second "$work/grok/summary.json")
echo "quanta grok: $ours steps/s"
reference=$("$python" "$here/grok_reference.py" --steps $grok_steps --threads $threads)
echo "$reference"
theirs=$(sed -E 's/.*: ([0-9.]+) steps.*/\1/' <<< "$reference")
echo "ratio (quanta / pytorch): $(ratio "$ours" "$theirs")"

echo "== sparse parity: 32 tasks, n 32, k 3, width 128, batch 500, eval every 250, $parity_steps steps, $threads threads"
$quanta sparse-parity --steps $parity_steps --threads $threads --output "$work/parity" > /dev/null
ours=$(steps_per_second "$work/parity/summary.json")
echo "quanta sparse-parity: $ours steps/s"
reference=$("$python" "$here/sparse_parity_reference.py" --steps $parity_steps --threads $threads)
echo "$reference"
theirs=$(sed -E 's/.*: ([0-9.]+) steps.*/\1/' <<< "$reference")
echo "ratio (quanta / pytorch): $(ratio "$ours" "$theirs")"
