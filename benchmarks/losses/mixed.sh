#!/usr/bin/env bash
# Per-token losses on a Pile-like mix of document lengths (32 documents, log-normal lengths: many short, some beyond
# 1,024 tokens; about 20k tokens), pythia-70m-shaped random model, 2 threads: our OnnxLossScorer (LossBench mixed) vs
# plain onnxruntime-node (full logits, batch 1, loss in JS) vs PyTorch eager (batch 1). Each side is one process that
# loads the model and scores every document once; /usr/bin/time gives its whole-process wall and user CPU. Our side
# also scores full.npy (as many tokens in documents of 1,024) for the cost per token of full-length documents, and
# mixed-1024.npy, the mix cut to each document's first 1,024 tokens as the paper scores the Pile.
# Env: QUANTA_ONLY=1 runs our side only; SKIP_TORCH=1 leaves PyTorch out; QUANTA_BEFORE=<path of a LossBench.dll built
# from older code> adds that build as a side "quanta (before)", run first, for before-and-after figures in one run.
# Re-run: benchmarks/losses/mixed.sh (the model and mixed.npy are cached in work/)
set -euo pipefail
cd "$(dirname "$0")"
WORK=${WORK:-$PWD/work}
THREADS=2
SPEC=pythia-70m-shaped:512:6:8:50304:32
MODEL=${SPEC%%:*}
mkdir -p "$WORK"
if [ ! -d node_modules/onnxruntime-node ]; then ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund >/dev/null; fi
dotnet build LossBench/LossBench.csproj -c Release 2>&1 | grep -E " error |rror\(s\)" || true
dotnet LossBench/bin/Release/net10.0/LossBench.dll prepare-mixed "$WORK" $SPEC

# One side: runs the command under /usr/bin/time and prints its JSON line with wall, user and sys seconds added.
side() {
  local label=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" "$@" > "$WORK/side.jsonl"
  read -r wall user sys rss < "$WORK/time.txt"
  /usr/bin/python3 -c 'import json, sys
row = json.loads(open(sys.argv[1]).readline())
row.update(side=sys.argv[2], wall=float(sys.argv[3]), user=float(sys.argv[4]), sys=float(sys.argv[5]), max_rss_mib=int(sys.argv[6]) / 1024)
print(json.dumps(row))' "$WORK/side.jsonl" "$label" "$wall" "$user" "$sys" "$rss"
}

echo "uptime before: $(uptime)" >&2
{
  if [ -n "${QUANTA_BEFORE:-}" ]; then side "quanta (before)" dotnet "$QUANTA_BEFORE" score "$WORK" $THREADS mixed.npy "$MODEL"; fi
  side quanta dotnet LossBench/bin/Release/net10.0/LossBench.dll score "$WORK" $THREADS mixed.npy "$MODEL"
  side "quanta, full-length" dotnet LossBench/bin/Release/net10.0/LossBench.dll score "$WORK" $THREADS full.npy "$MODEL"
  side "quanta, mix cut at 1,024" dotnet LossBench/bin/Release/net10.0/LossBench.dll score "$WORK" $THREADS mixed-1024.npy "$MODEL"
  if [ -z "${QUANTA_ONLY:-}" ]; then
    side "onnxruntime-node, batch 1" node bench_ort_node.mjs "$WORK" $THREADS 1 mixed.npy cold "$MODEL"
    if [ -z "${SKIP_TORCH:-}" ]; then
      side "PyTorch eager, batch 1" /usr/bin/python3 bench_torch.py "$WORK" $THREADS mixed.npy cold "$MODEL"
    fi
  fi
} | tee "$WORK/mixed.jsonl"
echo "uptime after: $(uptime)" >&2

/usr/bin/python3 - "$WORK/mixed.jsonl" "$WORK/$MODEL/mixed.npy" <<'PY'
import json, sys
import numpy as np
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
lengths = [int((row >= 0).sum()) for row in np.load(sys.argv[2])]
print(f"\n{len(lengths)} documents, {sum(lengths):,} tokens; lengths: median {int(np.median(lengths))}, "
      f"{sum(l < 100 for l in lengths)} under 100, {sum(l > 1024 for l in lengths)} over 1,024, longest {max(lengths)}")
print(f"{'side':28} {'tokens':>6} {'wall s':>7} {'user s':>7} {'scoring s':>9} {'load s':>6} {'tok/s (wall)':>12} "
      f"{'user ms/tok':>11} {'MiB':>6} {'mean loss':>9}")
for r in rows:
    load = f"{r['load_seconds']:6.1f}" if "load_seconds" in r else " " * 6
    print(f"{r['side']:28} {r['tokens']:6} {r['wall']:7.1f} {r['user']:7.1f} {r['seconds']:9.1f} {load} {r['tokens'] / r['wall']:12.0f} "
          f"{1000 * r['user'] / r['tokens']:11.2f} {r['max_rss_mib']:6.0f} {r['mean_loss']:9.5f}")
ours = next(r for r in rows if r["side"] == "quanta")
for other in (r for r in rows if r is not ours and not r["side"].startswith("quanta, ")):
    print(f"quanta against {other['side']}: {other['wall'] / ours['wall']:.2f}x on wall, {other['user'] / ours['user']:.2f}x on user CPU, "
          f"{other['seconds'] / ours['seconds']:.2f}x on scoring alone")
PY
