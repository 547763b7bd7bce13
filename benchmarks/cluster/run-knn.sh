#!/usr/bin/env bash
# Sparse clustering benchmark: N planted vectors in K groups -> `quanta similarity --knn M` (the symmetric M-nearest-neighbour
# graph of A = 1 - arccos(cos)/pi, CSR .npz) -> `quanta cluster --affinity graph.npz`, timed with peak RSS; then
# scikit-learn's SpectralClustering(affinity="precomputed", n_init=30) on the same graph (skipped with SKLEARN=0).
# Usage: benchmarks/cluster/run-knn.sh [N] [K] [M]   (default 20000 400 30)
set -euo pipefail
N=${1:-20000}
K=${2:-400}
M=${3:-30}
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PY=/usr/bin/python3
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

dotnet build "$ROOT/src/QuantaDiscovery.Cli/QuantaDiscovery.Cli.csproj" -c Release -v quiet -nologo >/dev/null
QUANTA="$ROOT/src/QuantaDiscovery.Cli/bin/Release/net10.0/quanta"

# Prints wall seconds and peak RSS (GiB) of a command, from GNU time -v.
timed() {
  /usr/bin/time -v "$@" >/dev/null 2>"$WORK/time.txt" || { cat "$WORK/time.txt" >&2; exit 1; }
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$WORK/time.txt" | awk -F': ' '{print $2}' | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(grep "Maximum resident set size" "$WORK/time.txt" | awk -F': ' '{printf "%.2f", $2 / 1048576}')
  echo "$wall $rss"
}

echo "points: N=$N planted groups K=$K, graph: M=$M nearest neighbours"
$PY "$HERE/make_points.py" "$N" "$K" "$WORK"

read -r graph_s graph_rss < <(timed "$QUANTA" similarity --gradients "$WORK/G.npy" --knn "$M" --output "$WORK/graph.npz")
read -r cluster_s cluster_rss < <(timed "$QUANTA" cluster --affinity "$WORK/graph.npz" --clusters "$K" --output "$WORK/labels.npy" --n-init 30 --seed 0)
ours=$(echo "$graph_s + $cluster_s" | bc)
ours_ari=$($PY "$HERE/ari.py" "$WORK/truth.npy" "$WORK/labels.npy")
entries=$(grep -o '"affinity_entries": [0-9]*' "$WORK/labels.json" | awk '{print $2}')
printf "quanta similarity --knn : %8.2f s  peak RSS %s GiB  (%s stored entries)\n" "$graph_s" "$graph_rss" "$entries"
printf "quanta cluster          : %8.2f s  peak RSS %s GiB  ARI %s  (eigensolver %s)\n" "$cluster_s" "$cluster_rss" "$ours_ari" \
  "$(grep -o '"eigen_solver": "[a-z]*"' "$WORK/labels.json" | cut -d'"' -f4)"

if [ "${SKLEARN:-1}" != 0 ]; then
  read -r ref ref_ari < <($PY "$HERE/sklearn_cluster_sparse.py" "$WORK/graph.npz" "$WORK/truth.npy" "$K")
  printf "scikit-learn (same graph): %8.2f s  ARI %s\n" "$ref" "$ref_ari"
  printf "speed-up (sklearn clustering time / ours, clustering only): %.2fx\n" "$(echo "$ref / $cluster_s" | bc -l)"
fi
