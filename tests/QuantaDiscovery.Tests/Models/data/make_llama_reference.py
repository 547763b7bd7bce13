"""Independent reference for the Llama tests: tiny random HF-layout Llama checkpoints, per-token losses and gradients.

Re-run (from the repository root): /usr/bin/python3 tests/QuantaDiscovery.Tests/Models/data/make_llama_reference.py

The forward pass follows Hugging Face transformers' LlamaForCausalLM (models/llama/modeling_llama.py) in plain
PyTorch, written independently of the C# code: RMSNorm (float32 statistics), SwiGLU MLP, rotary embedding over the
whole head with base rope_theta and rotate_half([a, b]) = [-b, a], grouped-query attention (key/value head h // n_rep
serves query head h, HF's repeat_kv), lm_head tied to embed_tokens when tie_word_embeddings. Everything is computed in
float64 from the float32 weights. Writes, per model, <name>/config.json, <name>/model.safetensors,
<name>/expected_losses.json and <name>/expected_gradients.npy, float32 [targets, d] (the float64 gradients of
single-token losses with respect to the parameters the paper keeps: no embedding, no lm_head, no per-layer norms;
model.norm kept), with the targets and parameter names in <name>/expected_gradients.json; plus a torch.onnx.export
of one model (opset 17) with its expected losses.
"""
import json
import os

import numpy
import torch
import torch.nn.functional as F

from make_reference import HERE, rotate_half, write_safetensors, token_losses, sequences


class ReferenceLlama(torch.nn.Module):
    def __init__(self, config, weights):
        super().__init__()
        self.c = config
        self.names = list(weights)  # HF order; ParameterDict may sort its keys
        self.w = torch.nn.ParameterDict({k.replace(".", "__"): torch.nn.Parameter(v) for k, v in weights.items()})

    def p(self, name):
        return self.w[name.replace(".", "__")]

    def rms_norm(self, x, name):
        variance = x.float().pow(2).mean(-1, keepdim=True) if x.dtype != torch.float64 else x.pow(2).mean(-1, keepdim=True)
        return self.p(name) * (x * torch.rsqrt(variance + self.c["rms_norm_eps"]))

    def forward(self, input_ids, attention_mask):
        c = self.c
        heads, kv_heads = c["num_attention_heads"], c["num_key_value_heads"]
        head_dim = c.get("head_dim") or c["hidden_size"] // heads
        n_rep = heads // kv_heads
        batch, length = input_ids.shape
        dtype = self.p("model.embed_tokens.weight").dtype

        inv_freq = 1.0 / (c["rope_theta"] ** (torch.arange(0, head_dim, 2, dtype=dtype) / head_dim))
        freqs = torch.outer(torch.arange(length, dtype=dtype), inv_freq)
        angles = torch.cat((freqs, freqs), dim=-1)
        cos, sin = angles.cos(), angles.sin()

        causal = torch.tril(torch.ones(length, length, dtype=torch.bool))
        allowed = causal[None, None, :, :] & attention_mask.bool()[:, None, None, :]

        x = self.p("model.embed_tokens.weight")[input_ids]
        for i in range(c["num_hidden_layers"]):
            pre = f"model.layers.{i}."
            lin = lambda t, n: F.linear(t, self.p(pre + n + ".weight"))
            h = self.rms_norm(x, pre + "input_layernorm.weight")
            q = lin(h, "self_attn.q_proj").view(batch, length, heads, head_dim).transpose(1, 2)
            k = lin(h, "self_attn.k_proj").view(batch, length, kv_heads, head_dim).transpose(1, 2)
            v = lin(h, "self_attn.v_proj").view(batch, length, kv_heads, head_dim).transpose(1, 2)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            k = k[:, :, None].expand(batch, kv_heads, n_rep, length, head_dim).reshape(batch, heads, length, head_dim)
            v = v[:, :, None].expand(batch, kv_heads, n_rep, length, head_dim).reshape(batch, heads, length, head_dim)
            scores = torch.matmul(q, k.transpose(-1, -2)) * head_dim ** -0.5
            scores = scores.masked_fill(~allowed, torch.finfo(scores.dtype).min)
            attn = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(batch, length, heads * head_dim)
            x = x + lin(attn, "self_attn.o_proj")
            h = self.rms_norm(x, pre + "post_attention_layernorm.weight")
            x = x + lin(F.silu(lin(h, "mlp.gate_proj")) * lin(h, "mlp.up_proj"), "mlp.down_proj")
        x = self.rms_norm(x, "model.norm.weight")
        head = "model.embed_tokens.weight" if c["tie_word_embeddings"] else "lm_head.weight"
        return F.linear(x, self.p(head))


def random_weights(c, seed):
    """HF's parameter order (LlamaForCausalLM.named_parameters()); norms random near 1 so a mix-up cannot pass unnoticed."""
    g = torch.Generator().manual_seed(seed)
    h, f, v = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    d = c.get("head_dim") or h // c["num_attention_heads"]
    q, kv = c["num_attention_heads"] * d, c["num_key_value_heads"] * d
    normal = lambda *shape: torch.randn(*shape, generator=g) * 0.02
    near_one = lambda n: 1.0 + 0.1 * torch.randn(n, generator=g)
    w = {"model.embed_tokens.weight": normal(v, h) * 20}
    for i in range(c["num_hidden_layers"]):
        pre = f"model.layers.{i}."
        w[pre + "self_attn.q_proj.weight"] = normal(q, h) * 10
        w[pre + "self_attn.k_proj.weight"] = normal(kv, h) * 10
        w[pre + "self_attn.v_proj.weight"] = normal(kv, h) * 10
        w[pre + "self_attn.o_proj.weight"] = normal(h, q) * 10
        w[pre + "mlp.gate_proj.weight"] = normal(f, h) * 10
        w[pre + "mlp.up_proj.weight"] = normal(f, h) * 10
        w[pre + "mlp.down_proj.weight"] = normal(h, f) * 10
        w[pre + "input_layernorm.weight"] = near_one(h)
        w[pre + "post_attention_layernorm.weight"] = near_one(h)
    w["model.norm.weight"] = near_one(h)
    if not c["tie_word_embeddings"]:
        w["lm_head.weight"] = normal(v, h) * 20
    return w


def paper_parameters(names):
    """The paper's gradient filter by HF name: drop embed_tokens, lm_head and the layers' norms; keep model.norm."""
    dropped = ("embed_tokens", "lm_head", "input_layernorm", "post_attention_layernorm")
    return [n for n in names if not any(d in n for d in dropped)]


def token_gradients(model, docs, targets):
    names = paper_parameters(model.names)
    rows = []
    for d, j in targets:
        x = torch.tensor([docs[d][:j + 1]])
        logits = model(x, torch.ones_like(x))
        loss = -torch.log_softmax(logits[0, j - 1], dim=-1)[docs[d][j]]
        grads = torch.autograd.grad(loss, [model.p(n) for n in names])
        rows.append(torch.cat([g.reshape(-1) for g in grads]).tolist())
    return names, rows


def config(hidden, heads, kv_heads, head_dim, intermediate, vocab, theta, tie):
    return {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama",
        "hidden_size": hidden, "intermediate_size": intermediate, "num_hidden_layers": 2,
        "num_attention_heads": heads, "num_key_value_heads": kv_heads, "head_dim": head_dim,
        "hidden_act": "silu", "max_position_embeddings": 64, "initializer_range": 0.02,
        "rms_norm_eps": 1e-5, "rope_theta": theta, "rope_scaling": None, "attention_bias": False,
        "attention_dropout": 0.0, "mlp_bias": False, "pretraining_tp": 1,
        "tie_word_embeddings": tie, "vocab_size": vocab, "torch_dtype": "float32",
    }


def save(name, c, weights, with_gradients=True):
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(c, f, indent=2)
    write_safetensors(os.path.join(folder, "model.safetensors"), weights)
    model = ReferenceLlama(c, {k: v.double() for k, v in weights.items()})
    docs = sequences(c["vocab_size"], 7)
    with torch.no_grad():
        losses = token_losses(model, docs)
    with open(os.path.join(folder, "expected_losses.json"), "w") as f:
        json.dump({"documents": docs, "losses": losses}, f)
    if with_gradients:
        targets = [(3, 5), (4, 39), (4, 17)]
        names, rows = token_gradients(model, docs, targets)
        with open(os.path.join(folder, "expected_gradients.json"), "w") as f:
            json.dump({"documents": docs, "targets": targets, "parameters": names}, f)
        numpy.save(os.path.join(folder, "expected_gradients.npy"), numpy.array(rows, dtype=numpy.float32))
    return folder


def main():
    gqa = config(32, 4, 2, 8, 48, 128, 500.0, False)   # grouped-query attention: 4 query heads share 2 key/value heads
    tied = config(16, 2, 2, 12, 40, 100, 10000.0, True)  # tied embeddings; head_dim 12 ≠ hidden / heads
    w_gqa = random_weights(gqa, 11)
    save("llama-gqa", gqa, w_gqa)
    save("llama-tied", tied, random_weights(tied, 12))

    # A third-party ONNX file: torch.onnx.export of the reference module (float32), opset 17.
    folder = save("llama-torch-onnx", gqa, w_gqa, with_gradients=False)
    os.remove(os.path.join(folder, "model.safetensors"))
    model = ReferenceLlama(gqa, w_gqa)
    ids = torch.tensor([sequences(128, 7)[3]])
    with torch.no_grad():
        torch.onnx.export(model, (ids, torch.ones_like(ids)), os.path.join(folder, "model.onnx"), opset_version=17,
                          input_names=["input_ids", "attention_mask"], output_names=["logits"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                                        "logits": {0: "batch", 1: "sequence"}})


if __name__ == "__main__":
    main()
