"""PyTorch side of benchmarks/train-lm: the same GPT-NeoX training step in plain PyTorch (eager, float32).

Usage: /usr/bin/python3 bench_torch.py TOKENS.npy THREADS CONTEXT BATCH STEPS LAYERS D_MODEL HEADS VOCAB
The model is tests/QuantaDiscovery.Tests/Models/data/make_reference.py's ReferenceGptNeoX (HF GPTNeoXForCausalLM
semantics) with trainable weights; AdamW (0.9, 0.95), eps 1e-8, weight decay 0.01 on matrices only, gradient
clipping at 1, on consecutive sequences of the same token stream. Prints one JSON line with tokens/s.
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/QuantaDiscovery.Tests/Models/data"))
from make_reference import ReferenceGptNeoX  # noqa: E402

tokens_path, threads, context, batch, steps, layers, d_model, heads, vocab = sys.argv[1], *map(int, sys.argv[2:])
torch.set_num_threads(threads)
torch.manual_seed(0)
config = dict(hidden_size=d_model, num_hidden_layers=layers, num_attention_heads=heads, intermediate_size=4 * d_model,
              vocab_size=vocab, rotary_pct=0.25, rotary_emb_base=10000, layer_norm_eps=1e-5, hidden_act="gelu",
              use_parallel_residual=True)
h, f = d_model, 4 * d_model
shapes = {"gpt_neox.embed_in.weight": (vocab, h), "gpt_neox.final_layer_norm.weight": (h,),
          "gpt_neox.final_layer_norm.bias": (h,), "embed_out.weight": (vocab, h)}
for i in range(layers):
    p = f"gpt_neox.layers.{i}."
    shapes.update({p + "input_layernorm.weight": (h,), p + "input_layernorm.bias": (h,),
                   p + "post_attention_layernorm.weight": (h,), p + "post_attention_layernorm.bias": (h,),
                   p + "attention.query_key_value.weight": (3 * h, h), p + "attention.query_key_value.bias": (3 * h,),
                   p + "attention.dense.weight": (h, h), p + "attention.dense.bias": (h,),
                   p + "mlp.dense_h_to_4h.weight": (f, h), p + "mlp.dense_h_to_4h.bias": (f,),
                   p + "mlp.dense_4h_to_h.weight": (h, f), p + "mlp.dense_4h_to_h.bias": (h,)})
weights = {n: (torch.randn(s) * 0.02 if len(s) == 2 else (torch.ones(s) if "norm.weight" in n else torch.zeros(s)))
           for n, s in shapes.items()}
model = ReferenceGptNeoX(config, weights)
decay = [p for p in model.parameters() if p.dim() >= 2]
exempt = [p for p in model.parameters() if p.dim() < 2]
optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": exempt, "weight_decay": 0.0}],
                              lr=1e-3, betas=(0.9, 0.95), eps=1e-8)

stream = np.load(tokens_path).astype(np.int64)
sequences = torch.from_numpy(stream[: (len(stream) // (context + 1)) * (context + 1)].reshape(-1, context + 1))
mask = torch.ones(batch, context, dtype=torch.long)
start = time.perf_counter()
for step in range(steps):
    rows = sequences[torch.arange(step * batch, step * batch + batch) % len(sequences)]
    logits = model(rows[:, :-1], mask)
    loss = F.cross_entropy(logits.reshape(-1, vocab), rows[:, 1:].reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
elapsed = time.perf_counter() - start
print(json.dumps({"side": "pytorch", "tokens_per_s": steps * batch * context / elapsed, "loss": loss.item(),
                  "torch": torch.__version__, "blas": "openblas" if "openblas" in torch.__config__.show().lower() else "other"}))
