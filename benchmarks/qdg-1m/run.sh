#!/usr/bin/env bash
# Planted-cluster QDG at scale: synthetic projected gradients (d columns) with K_TRUE clusters of Zipf sizes →
# m-NN graph (random-projection forest; exact as well where RECALL=1, for the forest's recall) → spectral clustering with
# K clusters → ARI against the planted truth; scikit-learn's SpectralClustering on the same graph where SKLEARN=1.
# Every quanta step prints its memory/time estimate first and refuses (exit 2) when it would not fit.
# Re-run: benchmarks/qdg-1m/run.sh   (SIZES="100000 300000 1000000", D=64, K_TRUE=1000, K=1000, M=30, RECALL=1 SKLEARN=1,
#   MIN_SIZE=2*M (the smallest planted cluster: planted.py --min-size; a cluster of m or fewer members cannot be recovered from
#   an m-NN graph), MAX_MEMORY=24G, ASSIGN=kmeans|cluster_qr (spectral clustering's labelling), CLUSTER_TIMEOUT=<seconds>
#   (0: none); WORK=<folder>). Steps whose output exists are skipped.
set -euo pipefail
cd "$(dirname "$0")"
REPO=$(cd ../.. && pwd)
WORK=${WORK:-$REPO/work/qdg-1m/planted}
SIZES=${SIZES:-100000 300000 1000000}
D=${D:-64}; K_TRUE=${K_TRUE:-1000}; K=${K:-1000}; M=${M:-30}; MAX_MEMORY=${MAX_MEMORY:-24G}
ASSIGN=${ASSIGN:-kmeans}; CLUSTER_TIMEOUT=${CLUSTER_TIMEOUT:-0}; MIN_SIZE=${MIN_SIZE:-$((2 * M))}
PY=/usr/bin/python3
if [ -z "${QUANTA:-}" ]; then
  dotnet build "$REPO/src/QuantaDiscovery.Cli/QuantaDiscovery.Cli.csproj" -c Release 2>&1 | grep -E " error |rror\(s\)" || true
  QUANTA="dotnet $REPO/src/QuantaDiscovery.Cli/bin/Release/net10.0/quanta.dll"
fi
TIME="/usr/bin/time -f %es_wall,%Us_user,%MKiB_peak_RSS"
for n in $SIZES; do
  W="$WORK/n$n-min$MIN_SIZE"
  [ -f "$W/truth.npy" ] || $PY planted.py "$W" --n "$n" --d "$D" --clusters "$K_TRUE" --min-size "$MIN_SIZE"
  [ -f "$W/forest.npz" ] || $TIME $QUANTA similarity --gradients "$W/gradients.npy" --knn "$M" --neighbour-search forest --output "$W/forest.npz" --max-memory "$MAX_MEMORY"
  if [ -n "${RECALL:-}" ]; then
    [ -f "$W/exact.npz" ] || $TIME $QUANTA similarity --gradients "$W/gradients.npy" --knn "$M" --neighbour-search exact --output "$W/exact.npz" --max-memory "$MAX_MEMORY"
    $PY compare.py recall "$W/exact.npz" "$W/forest.npz" --m "$M"
  fi
  LABELS="$W/labels-k$K-$ASSIGN.npy"
  [ -f "$LABELS" ] || $TIME timeout "$CLUSTER_TIMEOUT" $QUANTA cluster --affinity "$W/forest.npz" --clusters "$K" --n-init 10 \
    --assign-labels "$ASSIGN" --output "$LABELS" --max-memory "$MAX_MEMORY" || true
  [ -f "$LABELS" ] && $PY compare.py ari "$W/truth.npy" "$LABELS"
  [ -z "${SKLEARN:-}" ] || $TIME $PY compare.py sklearn "$W/forest.npz" "$W/truth.npy" --clusters "$K" || true
done
