#!/usr/bin/env bash
# Steps/s of `quanta grok`, `quanta sparse-parity` and `quanta bimt` beside the same model, data and per-step work in
# PyTorch, both on 2 CPU threads. Usage: benchmarks/toys/run.sh   (no arguments; about 1 minute on a quiet
# machine). THREADS=1 benchmarks/toys/run.sh compares single-threaded.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python=/usr/bin/python3
threads="${THREADS:-2}"

dotnet build "$root/src/QuantaDiscovery.Cli" -c Release -v quiet -nologo > "$work/build.log" || { cat "$work/build.log"; exit 1; }

# compare <quanta subcommand> <reference script> <steps> [extra quanta options…]
compare() {
    local command="$1" script="$2" steps="$3"
    shift 3
    dotnet "$root/src/QuantaDiscovery.Cli/bin/Release/net10.0/quanta.dll" "$command" --steps "$steps" --threads "$threads" "$@" --output "$work/$command" > /dev/null
    local ours reference theirs
    ours=$("$python" -c "import json,sys; print(f\"{json.load(open(sys.argv[1]))['steps_per_second']:.1f}\")" "$work/$command/summary.json")
    echo "quanta $command: $ours steps/s ($steps steps)"
    reference=$("$python" "$here/$script" --steps "$steps" --threads "$threads")
    echo "$reference"
    theirs=$(sed -E 's/.*: ([0-9.]+) steps.*/\1/' <<< "$reference")
    echo "ratio (quanta / pytorch): $("$python" -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$ours" "$theirs")"
}

echo "== grokking: x+y mod 59, train fraction 0.5, MLP 2x128 -> 256 -> 59, full batch, val pass every step, $threads threads"
compare grok grok_reference.py 300
echo "== sparse parity: 32 tasks, n 32, k 3, width 128, batch 500, per-task eval every 250 steps, $threads threads"
compare sparse-parity sparse_parity_reference.py 3000
echo "== BIMT: x+y mod 59, train fraction 0.8, embedding 2x32 -> SiLU 50 -> 50 -> 59, full batch, λ·cost every step, metrics every 100, swap pass every 200, $threads threads"
compare bimt bimt_reference.py 1000 --frames 0
