#!/usr/bin/env bash
# k-means step of spectral clustering: ours (KMeans.cs, libtorch GEMM Lloyd + greedy k-means++), ML.NET's KMeansTrainer
# (MlNetKMeans.cs: k-means|| + Yinyang; mlnet-plusplus: its k-means++ seeding) and scikit-learn's KMeans, on the same points, one after the other.
# Usage: benchmarks/kmeans/run.sh spectral|mixture N K [N_INIT]   (RUNS="ours mlnet" picks; default: all four)
#   spectral 4000 160     scikit-learn's spectral embedding of the planted affinity (the cluster benchmark's default)
#   mixture 100000 100    an embedding-like planted mixture at 100k points (no dense affinity at that size)
set -euo pipefail
KIND=$1; N=$2; K=$3; N_INIT=${4:-10}
HERE="$(cd "$(dirname "$0")" && pwd)"
PY=/usr/bin/python3
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
dotnet build "$HERE/KMeansBench/KMeansBench.csproj" -c Release -v quiet -nologo >/dev/null
BENCH="$HERE/KMeansBench/bin/Release/net10.0/KMeansBench"

echo "points: $KIND N=$N K=$K n_init=$N_INIT; load: $(uptime | sed 's/.*load/load/')"
$PY "$HERE/make_embedding.py" "$KIND" "$N" "$K" "$WORK"
run() {  # name, command...: fit seconds, inertia, peak RSS of the whole process, ARI vs truth and vs scikit-learn
  local name=$1; shift
  read -r seconds inertia < <(/usr/bin/time -f "%M" -o "$WORK/$name.rss" "$@")
  local ari ari_sk
  ari=$($PY "$HERE/../cluster/ari.py" "$WORK/truth.npy" "$WORK/$name.npy")
  ari_sk=$([ -f "$WORK/sklearn.npy" ] && $PY "$HERE/../cluster/ari.py" "$WORK/sklearn.npy" "$WORK/$name.npy" || echo "-")
  printf "%-13s fit %8.2f s  peak RSS %6d MiB  inertia %-12s ARI vs truth %s  vs scikit-learn %s  (load %s)\n" \
    "$name" "$seconds" $(( $(cat "$WORK/$name.rss") / 1024 )) "$inertia" "$ari" "$ari_sk" "$(cut -d' ' -f1 /proc/loadavg)"
}
for name in ${RUNS:-sklearn ours mlnet mlnet-plusplus}; do
  if [ "$name" = sklearn ]; then run sklearn $PY "$HERE/sklearn_kmeans.py" "$WORK/E.npy" "$K" "$N_INIT" 0 "$WORK/sklearn.npy"
  else run "$name" "$BENCH" "$name" "$WORK/E.npy" "$K" "$N_INIT" 0 "$WORK/$name.npy"; fi
done
