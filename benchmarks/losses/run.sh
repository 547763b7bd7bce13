#!/usr/bin/env bash
# Per-token losses, tokens/s at context 1024 with 2 threads: our OnnxLossScorer vs plain onnxruntime-node (full
# logits, loss in JS) vs PyTorch eager (batch 1), on the same random models and documents; ours and onnxruntime-node
# report the fastest of three passes, PyTorch its only pass. Re-run: benchmarks/losses/run.sh (models are cached in work/)
set -euo pipefail
cd "$(dirname "$0")"
WORK=${WORK:-$PWD/work}
THREADS=2
CONTEXT=1024
mkdir -p "$WORK"
if [ ! -d node_modules/onnxruntime-node ]; then ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund >/dev/null; fi
dotnet build LossBench/LossBench.csproj -c Release 2>&1 | grep -E " error |rror\(s\)" || true
{
  dotnet LossBench/bin/Release/net10.0/LossBench.dll full "$WORK" $THREADS $CONTEXT tiny:64:2:4:512:8 pythia-70m-shaped:512:6:8:50304:2
  node bench_ort_node.mjs "$WORK" $THREADS 1 documents.npy warm:3 tiny pythia-70m-shaped
  /usr/bin/python3 bench_torch.py "$WORK" $THREADS documents.npy warm:1 tiny pythia-70m-shaped
} | tee "$WORK/results.jsonl"
/usr/bin/python3 summarize.py "$WORK" < "$WORK/results.jsonl"
