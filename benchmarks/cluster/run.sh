#!/usr/bin/env bash
# Clustering benchmark: `quanta cluster` vs scikit-learn SpectralClustering on the same planted-partition
# affinity (N samples in K groups, A = 1 - arccos(cos)/pi of noisy gradient directions), both with n_init=30.
# Usage: benchmarks/cluster/run.sh [N] [K]    (default 4000 160: ~3 minutes on 2 cores; the 10000 400 run
# recorded in RESULTS.md takes much longer, mostly on the scikit-learn side)
set -euo pipefail
N=${1:-4000}
K=${2:-160}
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PY=/usr/bin/python3
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

dotnet build "$ROOT/src/QuantaDiscovery.Cli/QuantaDiscovery.Cli.csproj" -c Release -v quiet -nologo >/dev/null
QUANTA="$ROOT/src/QuantaDiscovery.Cli/bin/Release/net10.0/quanta"

echo "affinity: N=$N planted groups K=$K"
$PY "$HERE/make_affinity.py" "$N" "$K" "$WORK"

start=$(date +%s.%N)
"$QUANTA" cluster --affinity "$WORK/A.npy" --clusters "$K" --output "$WORK/labels.npy" --n-init 30 --seed 0 >/dev/null
ours=$(echo "$(date +%s.%N) - $start" | bc)
ours_ari=$($PY "$HERE/ari.py" "$WORK/truth.npy" "$WORK/labels.npy")
printf "quanta cluster   : %8.2f s  ARI %s  (eigensolver %s)\n" "$ours" "$ours_ari" \
  "$(grep -o '"eigen_solver": "[a-z]*"' "$WORK/labels.json" | cut -d'"' -f4)"

read -r ref ref_ari < <($PY "$HERE/sklearn_cluster.py" "$WORK/A.npy" "$WORK/truth.npy" "$K")
printf "scikit-learn     : %8.2f s  ARI %s\n" "$ref" "$ref_ari"
printf "speed-up (sklearn time / ours): %.2fx\n" "$(echo "$ref / $ours" | bc -l)"
