#!/usr/bin/env bash
# The largest real set the pico suite gives, through the whole QDG path at K = 1,000: the smallest capable pico model
# (pico-100k, as in pipelines/demo.yaml) scores the whole mini-Pile test split; the paper's selection (loss < 0.1 nats,
# induction tokens removed) at stride 1 with every candidate kept (the demo's 60% cap on one corpus set, for the same reason:
# DM Mathematics' templated questions dominate the candidates); gradients projected as they are computed; the m-NN graph;
# spectral clustering with cluster_qr labels. Every quanta step prints its memory/time estimate first.
# Re-run: benchmarks/qdg-1m/real.sh   (K=1000, PROJECTION=sparse:1024 (or factored:B), M=30, MODEL=<model folder>,
#   WORK=<folder>). The losses step is skipped when its table exists.
set -euo pipefail
cd "$(dirname "$0")"
REPO=$(cd ../.. && pwd)
WORK=${WORK:-$REPO/work/qdg-1m/real}
MODEL=${MODEL:-$REPO/models/pico/pico-100k/step6000}
K=${K:-1000}; M=${M:-30}; PROJECTION=${PROJECTION:-sparse:1024}
if [ -z "${QUANTA:-}" ]; then
  dotnet build "$REPO/src/QuantaDiscovery.Cli/QuantaDiscovery.Cli.csproj" -c Release 2>&1 | grep -E " error |rror\(s\)" || true
  QUANTA="dotnet $REPO/src/QuantaDiscovery.Cli/bin/Release/net10.0/quanta.dll"
fi
TIME="/usr/bin/time -f %es_wall,%Us_user,%MKiB_peak_RSS"
CORPUS="$REPO/data/mini-pile/test.jsonl.zst"
LOSSES="$WORK/losses/losses/$(basename "$(dirname "$MODEL")")_$(basename "$MODEL").parquet"
[ -f "$LOSSES" ] || $TIME $QUANTA losses --model "$MODEL" --corpus "$CORPUS" --context 256 --output "$WORK/losses"
$TIME $QUANTA qdg --model "$MODEL" --corpus "$CORPUS" --losses "$LOSSES" --context 256 --max-loss 0.1 --stride 1 \
  --samples 1000000 --max-set-share 0.6 --clusters "$K" --knn "$M" --projection "$PROJECTION" --assign-labels cluster_qr \
  --output "$WORK/qdg-k$K-$(echo "$PROJECTION" | tr ':' '-')"
