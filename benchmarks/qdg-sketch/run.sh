#!/usr/bin/env bash
# The QDG sketch path at the paper's scale on a trained model: 100,000 tokens of the mini-Pile, per-token gradients of
# pico-13k projected to k columns, timed with /usr/bin/time -v (wall, CPU, peak RSS); then, on the first 10,000 of
# those tokens, exact gradients against projections to k = 256, 1024, 4096: cosine errors over all pairs and the ARI
# between our spectral clusterings (quanta similarity + quanta cluster, K = 100 and 400) of exact and projected.
#
# Long: about 6 minutes for the 100k gradients, then each 10k clustering (K = 400 embedding, up to 10 GB RSS) takes
# 1.5–13 minutes on the shared 2-core machine, five of them: roughly 20–60 minutes in all. Steps whose output exists in
# WORK are skipped, so an interrupted run resumes; delete WORK to start over.
# Re-run: benchmarks/qdg-sketch/run.sh   (WORK=<folder> for the data, 1.1 GB; SKIP_100K=1 for the agreement part only;
# KS="256 1024 4096" the projections compared by cosines, CLUSTER_KS (same default) those also clustered; THREADS=2 on a
# quiet machine)
set -euo pipefail
cd "$(dirname "$0")"
REPO=$(cd ../.. && pwd)
WORK=${WORK:-$REPO/work/qdg-sketch}
THREADS=${THREADS:-1}
MODEL=${MODEL:-pico-13k}
MAX_LOSS=${MAX_LOSS:-2.0}      # no pico token is under the paper's 0.1 nats; 2.0 leaves 106,525 tokens after the induction filter
K=${K:-1024}                   # the 100k sketch's projection
KS=${KS:-256 1024 4096}        # projections compared with exact gradients on the 10k subset
CLUSTER_KS=${CLUSTER_KS:-256 1024 4096}
CLUSTERS=${CLUSTERS:-100,400}
SEED=0
mkdir -p "$WORK"
if [ -z "${QUANTA:-}" ]; then
  dotnet build "$REPO/src/QuantaDiscovery.Cli/QuantaDiscovery.Cli.csproj" -c Release 2>&1 | grep -E " error |rror\(s\)" || true
  QUANTA="dotnet $REPO/src/QuantaDiscovery.Cli/bin/Release/net10.0/quanta.dll"
fi
TIME="/usr/bin/time -v"

# 1. The model (with model.onnx for scoring) and the corpus: the test split, then the train split, as one stream of
#    documents (zstd frames concatenate), so test documents are 0–441 and train documents 442–4263. pico-13k saw only
#    1.7% of the train split's tokens in training.
if [ ! -f "$WORK/model/model.onnx" ]; then
  rm -rf "$WORK/model" && cp -r "$REPO/models/pico/$MODEL/step240" "$WORK/model"
  $QUANTA export-onnx --model "$WORK/model"
fi
cat "$REPO/data/mini-pile/test.jsonl.zst" "$REPO/data/mini-pile/train.jsonl.zst" > "$WORK/corpus.jsonl.zst"
CORPUS="$WORK/corpus.jsonl.zst"

# 2. Losses over the first 128 tokens of every document (the suite's context), then the selection: every token below
#    MAX_LOSS nats that is not an induction token (stride 1), first 100,000 in table order; the first 10,000 of them
#    are the agreement subset (the same rule stopped at 10,000).
[ -f "$WORK/scored/losses/model.parquet" ] || $QUANTA losses --model "$WORK/model" --input "$CORPUS" --output "$WORK/scored" \
  --context 128 --batch-size 32 --threads "$THREADS"
for n in 100000 10000; do
  [ -f "$WORK/select$n/samples.parquet" ] || $QUANTA select --losses "$WORK/scored/losses/model.parquet" --input "$CORPUS" --model "$WORK/model" --output "$WORK/select$n" \
    --max-loss "$MAX_LOSS" --stride 1 --samples $n --context 128
done

gradients() {  # samples, projection, output folder
  $TIME -o "$3.time" $QUANTA gradients --model "$WORK/model" --input "$CORPUS" --samples "$1" --output "$3" \
    --projection "$2" --seed $SEED --context 128 --threads "$THREADS" > "$3.log" 2>&1
  /usr/bin/python3 - "$3" <<'PY'
import json, re, sys
j, t = json.load(open(f"{sys.argv[1]}/gradients.json")), open(f"{sys.argv[1]}.time").read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
cpu = re.search(r"Percent of CPU this job got: (\S+)", t).group(1)
print(f"{sys.argv[1]}: n = {j['n']}, d = {j['dimension']}, {j['columns']} columns, {j['seconds']:.1f} s in the library "
      f"({j['n'] / j['seconds']:.0f} tokens/s), {j['forward_passes']} forwards, {j['backward_passes']} backwards; "
      f"process wall {wall}, CPU {cpu}, peak RSS {rss / 1024:.0f} MiB")
PY
}

# 3. The 100k sketch.
[ -n "${SKIP_100K:-}" ] || [ -f "$WORK/grad100k-$K/gradients.npy" ] || gradients "$WORK/select100000/samples.parquet" "$K" "$WORK/grad100k-$K"

# 4. Agreement on the 10k subset: exact and projected gradients, affinities, clusterings, cosine errors and ARIs.
A="$WORK/agreement"
mkdir -p "$A"
cluster() {  # mode, seed, labels file
  [ -f "$A/$1/$3" ] && return
  $QUANTA similarity --gradients "$A/$1/gradients.npy" --output "$A/$1/affinity.npy" > /dev/null
  $TIME -o "$A/$1/$3.time" $QUANTA cluster --affinity "$A/$1/affinity.npy" --clusters "$CLUSTERS" \
    --output "$A/$1/$3" --n-init 30 --seed "$2" > /dev/null
  grep -E "Elapsed|Maximum resident" "$A/$1/$3.time" | sed "s|^|cluster $1 seed $2: |"
  rm "$A/$1/affinity.npy"     # 400 MB each
}
for mode in none $KS; do
  [ -f "$A/$mode/gradients.json" ] || gradients "$WORK/select10000/samples.parquet" "$mode" "$A/$mode"
done
for mode in none $CLUSTER_KS; do cluster "$mode" $SEED labels.npy; done
cluster none 1 labels-seed1.npy   # the clustering's own spread: the exact affinity again with another seed
/usr/bin/python3 - "$A" <<'PY'
import json, os, sys
import numpy as np
from sklearn.metrics import adjusted_rand_score
a = sys.argv[1]
ks = json.load(open(f"{a}/none/labels.json"))["clusters"]
s0, s1 = np.load(f"{a}/none/labels.npy"), np.load(f"{a}/none/labels-seed1.npy")
print(json.dumps({"ari_exact_seed0_vs_seed1": {str(k): adjusted_rand_score(x, y) for k, x, y in zip(ks, s0, s1)}}))
PY
# Cosine errors for every k, ARIs where a projection was clustered (labels.npy beside its gradients.npy).
/usr/bin/python3 ../gradients/agreement.py "$A/none/gradients.npy" $(for k in $KS; do echo "$A/$k/gradients.npy"; done) --quanta-labels
if [ -z "${SKIP_100K:-}" ] && [ -d "$A/$K" ]; then   # the 10k projected rows are the 100k run's first 10,000 rows
  /usr/bin/python3 -c "import numpy as np; a = np.load('$WORK/grad100k-$K/gradients.npy', mmap_mode='r')[:10000]; b = np.load('$A/$K/gradients.npy'); print('10k rows equal the 100k run first rows:', bool(np.array_equal(a, b)))"
fi
