"""PyTorch eager side of benchmarks/losses: one document per forward, float32, the reference GPT-NeoX of
tests/QuantaDiscovery.Tests/Models/data/make_reference.py.
Usage: bench_torch.py <work folder> <threads> <documents .npy> <timing> <model>...
Documents are the rows of <work>/<model>/<documents .npy>, each cut at its first -1, so of any length.
timing cold: one pass and nothing before it (for whole-process timing); warm:N: a warm-up on one document, then the
fastest of N passes."""
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../tests/QuantaDiscovery.Tests/Models/data"))
from make_reference import ReferenceGptNeoX, read_safetensors  # noqa: E402


def main():
    work, threads, documents_file, timing = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    torch.set_num_threads(threads)
    torch.set_grad_enabled(False)
    for name in sys.argv[5:]:
        folder = os.path.join(work, name)
        config = json.load(open(os.path.join(folder, "config.json")))
        model = ReferenceGptNeoX(config, read_safetensors(os.path.join(folder, "model.safetensors"))).eval()
        rows = np.load(os.path.join(folder, documents_file)).astype(np.int64)
        documents = [torch.from_numpy(row[:np.argmax(row < 0)] if (row < 0).any() else row) for row in rows]
        documents = [doc for doc in documents if len(doc) >= 2]

        def losses(doc):
            ids = doc[None, :]
            logp = torch.log_softmax(model(ids, torch.ones_like(ids))[0, :-1], dim=-1)
            return -logp.gather(1, doc[1:, None])[:, 0]

        passes = 1 if timing == "cold" else int(timing.split(":")[1])
        if timing != "cold":
            losses(documents[0])
        seconds = float("inf")
        for _ in range(passes):
            start = time.perf_counter()
            total = [losses(doc) for doc in documents]
            seconds = min(seconds, time.perf_counter() - start)
        print(json.dumps({"side": f"PyTorch {torch.__version__} eager, batch 1", "model": name, "documents": len(rows),
                          "tokens": sum(len(doc) for doc in documents), "seconds": seconds,
                          "mean_loss": torch.cat(total).mean().item()}))


main()
