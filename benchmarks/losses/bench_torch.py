"""PyTorch eager side of benchmarks/losses: one document per forward, float32, the reference GPT-NeoX of
tests/QuantaDiscovery.Tests/Models/data/make_reference.py. Usage: bench_torch.py <work folder> <threads> <model>..."""
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
    torch.set_grad_enabled(False)
    for name in sys.argv[3:]:
        folder = os.path.join(work, name)
        config = json.load(open(os.path.join(folder, "config.json")))
        model = ReferenceGptNeoX(config, read_safetensors(os.path.join(folder, "model.safetensors"))).eval()
        documents = torch.from_numpy(np.load(os.path.join(folder, "documents.npy")).astype(np.int64))

        def losses(doc):
            ids = doc[None, :]
            logp = torch.log_softmax(model(ids, torch.ones_like(ids))[0, :-1], dim=-1)
            return -logp.gather(1, doc[1:, None])[:, 0]

        losses(documents[0])
        start = time.perf_counter()
        total = [losses(doc) for doc in documents]
        seconds = time.perf_counter() - start
        print(json.dumps({"side": f"PyTorch {torch.__version__} eager, batch 1", "model": name, "documents": len(documents),
                          "tokens": documents.numel(), "seconds": seconds, "mean_loss": torch.cat(total).mean().item()}))


main()
