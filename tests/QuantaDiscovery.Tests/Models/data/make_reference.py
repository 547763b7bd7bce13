"""Independent reference for the GPT-NeoX tests: tiny random models and their per-token losses.

Re-run (from the repository root): /usr/bin/python3 tests/QuantaDiscovery.Tests/Models/data/make_reference.py

The forward pass follows Hugging Face transformers' GPTNeoXForCausalLM (models/gpt_neox/modeling_gpt_neox.py)
in plain PyTorch, written independently of the C# code. Losses are computed in float64 from float32 weights.
Writes, per model, <name>/config.json, <name>/model.safetensors (written by hand: 8-byte header length,
header JSON, raw little-endian bytes) and <name>/expected_losses.json; plus F16/BF16 copies of one model
and a torch.onnx.export of one model (opset 17) with its expected losses.
"""
import json
import math
import os
import struct

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def gelu_tanh(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


ACTIVATIONS = {"gelu": lambda x: F.gelu(x), "gelu_new": gelu_tanh, "relu": F.relu}


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class ReferenceGptNeoX(torch.nn.Module):
    """HF GPTNeoXForCausalLM forward: fused qkv per head [heads, 3, head_size], partial rotary, causal mask."""

    def __init__(self, config, weights):
        super().__init__()
        self.c = config
        self.w = torch.nn.ParameterDict({k.replace(".", "__"): torch.nn.Parameter(v) for k, v in weights.items()})

    def p(self, name):
        return self.w[name.replace(".", "__")]

    def forward(self, input_ids, attention_mask):
        c = self.c
        heads, hidden = c["num_attention_heads"], c["hidden_size"]
        head_size = hidden // heads
        rotary_dims = int(head_size * c["rotary_pct"])
        eps = c["layer_norm_eps"]
        act = ACTIVATIONS[c["hidden_act"]]
        batch, length = input_ids.shape
        dtype = self.p("embed_out.weight").dtype

        inv_freq = 1.0 / (c["rotary_emb_base"] ** (torch.arange(0, rotary_dims, 2).float() / rotary_dims))
        freqs = torch.outer(torch.arange(length).float(), inv_freq)
        angles = torch.cat((freqs, freqs), dim=-1)
        cos, sin = angles.cos().to(dtype), angles.sin().to(dtype)

        causal = torch.tril(torch.ones(length, length, dtype=torch.bool))
        allowed = causal[None, None, :, :] & attention_mask.bool()[:, None, None, :]

        x = self.p("gpt_neox.embed_in.weight")[input_ids]
        for i in range(c["num_hidden_layers"]):
            pre = f"gpt_neox.layers.{i}."
            ln = lambda t, n: F.layer_norm(t, (hidden,), self.p(pre + n + ".weight"), self.p(pre + n + ".bias"), eps)
            lin = lambda t, n: F.linear(t, self.p(pre + n + ".weight"), self.p(pre + n + ".bias"))

            qkv = lin(ln(x, "input_layernorm"), "attention.query_key_value")
            qkv = qkv.view(batch, length, heads, 3 * head_size).permute(0, 2, 1, 3)
            q, k, v = qkv[..., :head_size], qkv[..., head_size:2 * head_size], qkv[..., 2 * head_size:]
            q = torch.cat((q[..., :rotary_dims] * cos + rotate_half(q[..., :rotary_dims]) * sin, q[..., rotary_dims:]), -1)
            k = torch.cat((k[..., :rotary_dims] * cos + rotate_half(k[..., :rotary_dims]) * sin, k[..., rotary_dims:]), -1)
            scores = torch.matmul(q, k.transpose(-1, -2)) * head_size ** -0.5
            scores = scores.masked_fill(~allowed, torch.finfo(scores.dtype).min)
            probs = torch.softmax(scores, dim=-1)
            attn = torch.matmul(probs, v).permute(0, 2, 1, 3).reshape(batch, length, hidden)
            attn = lin(attn, "attention.dense")

            mlp = lambda t: lin(act(lin(ln(t, "post_attention_layernorm"), "mlp.dense_h_to_4h")), "mlp.dense_4h_to_h")
            if c["use_parallel_residual"]:
                x = x + attn + mlp(x)
            else:
                x = x + attn
                x = x + mlp(x)

        x = F.layer_norm(x, (hidden,), self.p("gpt_neox.final_layer_norm.weight"),
                         self.p("gpt_neox.final_layer_norm.bias"), eps)
        return F.linear(x, self.p("embed_out.weight"))


def random_weights(c, seed):
    g = torch.Generator().manual_seed(seed)
    h, f, v = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    normal = lambda *shape: torch.randn(*shape, generator=g) * 0.02
    # Layer norms and biases get random values too, so that a mix-up of weight and bias cannot pass unnoticed.
    near_one = lambda n: 1.0 + 0.1 * torch.randn(n, generator=g)
    w = {"gpt_neox.embed_in.weight": normal(v, h) * 20}
    for i in range(c["num_hidden_layers"]):
        pre = f"gpt_neox.layers.{i}."
        w[pre + "input_layernorm.weight"], w[pre + "input_layernorm.bias"] = near_one(h), normal(h) * 5
        w[pre + "post_attention_layernorm.weight"], w[pre + "post_attention_layernorm.bias"] = near_one(h), normal(h) * 5
        w[pre + "attention.query_key_value.weight"], w[pre + "attention.query_key_value.bias"] = normal(3 * h, h) * 10, normal(3 * h) * 5
        w[pre + "attention.dense.weight"], w[pre + "attention.dense.bias"] = normal(h, h) * 10, normal(h) * 5
        w[pre + "mlp.dense_h_to_4h.weight"], w[pre + "mlp.dense_h_to_4h.bias"] = normal(f, h) * 10, normal(f) * 5
        w[pre + "mlp.dense_4h_to_h.weight"], w[pre + "mlp.dense_4h_to_h.bias"] = normal(h, f) * 10, normal(h) * 5
    w["gpt_neox.final_layer_norm.weight"], w["gpt_neox.final_layer_norm.bias"] = near_one(h), normal(h) * 5
    w["embed_out.weight"] = normal(v, h) * 20
    return w


DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}


def write_safetensors(path, tensors):
    header, chunks, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for chunk in chunks:
            f.write(chunk)


def read_safetensors(path):
    """F32 tensors of a safetensors file (the benchmarks load our random models with it)."""
    import numpy as np
    with open(path, "rb") as f:
        length = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(length))
        data = f.read()
    return {name: torch.from_numpy(np.frombuffer(data[e["data_offsets"][0]:e["data_offsets"][1]], np.float32).reshape(e["shape"]).copy())
            for name, e in header.items() if name != "__metadata__"}


def token_losses(model, ids):
    """-log p(x_j | x_<j) for j = 1..T-1, one document at a time, in float64."""
    out = []
    for doc in ids:
        if len(doc) < 2:
            out.append([])
            continue
        x = torch.tensor([doc])
        logits = model(x, torch.ones_like(x)).double()
        logp = torch.log_softmax(logits[0, :-1], dim=-1)
        out.append((-logp.gather(1, x[0, 1:, None])[:, 0]).tolist())
    return out


def sequences(vocab, seed):
    g = torch.Generator().manual_seed(seed)
    return [torch.randint(0, vocab, (n,), generator=g).tolist() for n in (1, 2, 9, 24, 40)]


def save(name, config, weights, dtype=torch.float32, config_only_losses_of=None):
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    stored = {k: v.to(dtype) for k, v in weights.items()}
    write_safetensors(os.path.join(folder, "model.safetensors"), stored)
    model = ReferenceGptNeoX(config, {k: v.double() for k, v in stored.items()})
    docs = sequences(config["vocab_size"], 7)
    with open(os.path.join(folder, "expected_losses.json"), "w") as f:
        json.dump({"documents": docs, "losses": token_losses(model, docs)}, f)
    return folder


def config(hidden, heads, vocab, rotary_pct, parallel, act):
    return {
        "architectures": ["GPTNeoXForCausalLM"], "model_type": "gpt_neox",
        "hidden_size": hidden, "num_hidden_layers": 2, "num_attention_heads": heads,
        "intermediate_size": 4 * hidden, "rotary_pct": rotary_pct, "rotary_emb_base": 10000,
        "max_position_embeddings": 64, "vocab_size": vocab, "use_parallel_residual": parallel,
        "layer_norm_eps": 1e-5, "hidden_act": act, "initializer_range": 0.02,
        "tie_word_embeddings": False, "torch_dtype": "float32",
    }


def main():
    torch.set_grad_enabled(False)
    parallel = config(32, 2, 128, 0.25, True, "gelu")
    sequential = config(32, 4, 100, 1.0, False, "gelu_new")
    w_parallel = random_weights(parallel, 1)
    save("tiny-parallel", parallel, w_parallel)
    save("tiny-sequential", sequential, random_weights(sequential, 2))
    save("tiny-parallel-f16", parallel, w_parallel, torch.float16)
    save("tiny-parallel-bf16", parallel, w_parallel, torch.bfloat16)

    # A third-party ONNX file: torch.onnx.export of the reference module (float32), opset 17.
    folder = save("tiny-torch-onnx", parallel, w_parallel)
    os.remove(os.path.join(folder, "model.safetensors"))
    model = ReferenceGptNeoX(parallel, w_parallel)
    ids = torch.tensor([sequences(128, 7)[3]])
    torch.onnx.export(model, (ids, torch.ones_like(ids)), os.path.join(folder, "model.onnx"), opset_version=17,
                      input_names=["input_ids", "attention_mask"], output_names=["logits"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                                    "logits": {0: "batch", 1: "sequence"}})


if __name__ == "__main__":
    main()
