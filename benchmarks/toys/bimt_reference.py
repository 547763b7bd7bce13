"""PyTorch reference for `quanta bimt`: the same network (embedding 32 per operand, SiLU 50-50, 59 classes), data
sizes and per-step work (full-batch AdamW step on cross-entropy + λ·connection cost, metrics every 100 steps, a swap
pass every 200 steps), timed over --steps steps. The swap pass here is the straightforward one of the BIMT paper's
code: every candidate swap is made, the whole cost re-evaluated, and the swap undone."""
import argparse, time
import torch
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument("--p", type=int, default=59)
parser.add_argument("--steps", type=int, default=1000)
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)

p, d, widths = args.p, 32, [32, 50, 50, args.p]
fold = [2, 1, 1]
pairs = torch.cartesian_prod(torch.arange(p), torch.arange(p))
results = (pairs[:, 0] + pairs[:, 1]) % p
order = torch.randperm(len(pairs))
n_train = round(0.8 * len(pairs))
train_x, train_y = pairs[order[:n_train]], results[order[:n_train]]
val_x, val_y = pairs[order[n_train:]], results[order[n_train:]]

def positions(n):
    return (torch.arange(n, dtype=torch.float32) + 0.5) / n

embedding = torch.randn(p, d).requires_grad_()
weights, biases, lengths = [], [], []
for i in range(3):
    fan_in = fold[i] * widths[i]
    bound = fan_in ** -0.5
    weights.append((torch.rand(widths[i + 1], fan_in) * 2 * bound - bound).requires_grad_())
    biases.append((torch.rand(widths[i + 1]) * 2 * bound - bound).requires_grad_())
    lengths.append(2 * (positions(widths[i + 1])[:, None] - positions(widths[i]).repeat(fold[i])[None, :]).abs() + 0.5)
params = [embedding] + weights + biases
opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.0)

output_slot = torch.arange(p)  # output_slot[c]: the slot that holds class c

def forward(x):
    h = embedding[x].flatten(1)
    for i in range(3):
        h = F.linear(h, weights[i], biases[i])
        if i < 2:
            h = F.silu(h)
    return h[:, output_slot]

def cost():
    total = embedding.abs().mean() * 0.5
    for w, b, length in zip(weights, biases, lengths):
        total = total + (w.abs() * length).mean() + b.abs().mean() * 0.5
    return total

@torch.no_grad()
def exchange(layer, j, k):
    def swap(t, dim, a, b):
        index = torch.arange(t.shape[dim])
        index[a], index[b] = b, a
        t.copy_(t.index_select(dim, index))
    if layer > 0:
        swap(weights[layer - 1], 0, j, k)
        swap(biases[layer - 1], 0, j, k)
    if layer < 3:
        n = widths[layer]
        for f in range(fold[layer]):
            swap(weights[layer], 1, f * n + j, f * n + k)
    if layer == 0:  # the embedding dimensions move with their input slots
        swap(embedding, 1, j, k)
    if layer == 3:
        slot_of = output_slot.clone()
        output_slot[slot_of == j], output_slot[slot_of == k] = k, j

@torch.no_grad()
def swap_pass(top_k=30):
    for layer in range(4):
        score = torch.zeros(widths[layer])
        if layer > 0:
            score += weights[layer - 1].abs().sum(1)
        if layer < 3:
            score += weights[layer].abs().sum(0).view(fold[layer], -1).sum(0)
        for j in score.argsort(descending=True)[:top_k].tolist():
            costs = []
            for k in range(widths[layer]):
                exchange(layer, j, k)
                costs.append(cost())
                exchange(layer, j, k)
            exchange(layer, j, int(torch.stack(costs).argmin()))

def step(t):
    if t % 100 == 0:
        with torch.no_grad():
            tl, vl = forward(train_x), forward(val_x)
            torch.stack([F.cross_entropy(tl, train_y), (tl.argmax(-1) == train_y).float().mean(),
                         F.cross_entropy(vl, val_y), (vl.argmax(-1) == val_y).float().mean(), cost()]).double().tolist()
    opt.zero_grad()
    loss = F.cross_entropy(forward(train_x), train_y) + 0.1 * cost()
    loss.backward()
    opt.step()
    if (t + 1) % 200 == 0:
        swap_pass()

start = time.perf_counter()
for t in range(args.steps):
    step(t)
elapsed = time.perf_counter() - start
print(f"pytorch bimt: {args.steps / elapsed:.1f} steps/s ({args.steps} steps, {elapsed:.2f} s, torch {torch.__version__}, {torch.get_num_threads()} threads)")
