"""Reads the JSON lines of the three sides of benchmarks/losses; prints tokens/s, GFLOP/s and our speed-ups.
FLOPs of one document of T tokens (multiply-add = 2): T·[L·2(3h² + h² + 2hf) + 2hV] + L·2·2·T²·h (q·kᵀ and p·v, full T×T)."""
import json
import os
import sys

work = sys.argv[1]
rows = [json.loads(line) for line in sys.stdin if line.startswith("{")]
for model in dict.fromkeys(r["model"] for r in rows):
    c = json.load(open(os.path.join(work, model, "config.json")))
    h, f, v, layers = c["hidden_size"], c["intermediate_size"], c["vocab_size"], c["num_hidden_layers"]
    print(f"\n{model}: hidden {h}, {layers} layers, {c['num_attention_heads']} heads, vocab {v}")
    print(f"  {'side':58} {'tokens/s':>10} {'GFLOP/s':>8} {'mean loss':>10}")
    speed = {}
    for r in (r for r in rows if r["model"] == model):
        length = r["tokens"] // r["documents"]
        flops = r["documents"] * (length * (layers * 2 * (4 * h * h + 2 * h * f) + 2 * h * v) + layers * 4 * length * length * h)
        speed[r["side"]] = r["tokens"] / r["seconds"]
        print(f"  {r['side']:58} {speed[r['side']]:10.0f} {flops / r['seconds'] / 1e9:8.1f} {r['mean_loss']:10.5f}")
    ours = next(s for s in speed if s.startswith("quanta"))
    for other in (s for s in speed if s != ours):
        print(f"  speed-up of ours over {other}: {speed[ours] / speed[other]:.2f}x")
