"""PyTorch side of benchmarks/gradients: the paper's way, one forward over x_<=j and one backward per target token,
float32, with the reference GPT-NeoX of tests/QuantaDiscovery.Tests/Models/data/make_reference.py and the paper's
parameter filter (no 'layernorm', no 'embed'). Compares with our gradients (ours.npy).
Usage: bench_torch.py <work folder> <threads> <model>..."""
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../tests/QuantaDiscovery.Tests/Models/data"))
from make_reference import ReferenceGptNeoX, read_safetensors  # noqa: E402


def main():
    work, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    for name in sys.argv[3:]:
        folder = os.path.join(work, name)
        config = json.load(open(os.path.join(folder, "config.json")))
        weights = read_safetensors(os.path.join(folder, "model.safetensors"))
        model = ReferenceGptNeoX(config, weights).eval()
        # HF order, as ours: the ParameterDict keeps insertion order of the safetensors header, so sort by our order.
        names = [n for n in weights if "layernorm" not in n and "embed" not in n]
        order = {n: i for i, n in enumerate(json.load(open(os.path.join(folder, "order.json"))))}
        names.sort(key=lambda n: order[n])
        params = [model.p(n) for n in names]
        documents = json.load(open(os.path.join(folder, "targets.json")))

        def gradient(tokens, j):
            ids = torch.tensor(tokens[:j + 1], dtype=torch.int64)[None, :]
            logits = model(ids, torch.ones_like(ids))[0, j - 1]
            loss = torch.nn.functional.cross_entropy(logits[None, :], ids[0, j:j + 1])
            return torch.autograd.grad(loss, params)

        gradient(documents[0]["tokens"], documents[0]["positions"][0])  # warm-up
        start = time.perf_counter()
        rows = []
        backward = 0
        for d in documents:
            for j in d["positions"]:
                rows.append(torch.cat([g.reshape(-1) for g in gradient(d["tokens"], j)]).numpy())
                backward += 1
        seconds = time.perf_counter() - start
        ours = np.load(os.path.join(folder, "ours.npy"), mmap_mode="r")
        theirs = np.stack(rows)
        relative = np.linalg.norm(ours - theirs, axis=1) / np.linalg.norm(theirs, axis=1)
        print(json.dumps({"side": "pytorch", "model": name, "threads": threads, "tokens": len(rows), "backward_passes": backward,
                          "seconds": seconds, "tokens_per_s": len(rows) / seconds,
                          "max_relative_difference_vs_ours": float(relative.max())}), flush=True)


if __name__ == "__main__":
    main()
