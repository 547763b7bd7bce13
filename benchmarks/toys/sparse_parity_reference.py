"""PyTorch reference for `quanta sparse-parity`: the same task sampling (torch ops), MLP, AdamW step and
per-task evaluation every --eval-every steps, timed over --steps steps."""
import argparse, time
import torch
import torch.nn as nn
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument("--n-tasks", type=int, default=32)
parser.add_argument("--n", type=int, default=32)
parser.add_argument("--k", type=int, default=3)
parser.add_argument("--alpha", type=float, default=0.4)
parser.add_argument("--width", type=int, default=128)
parser.add_argument("--batch", type=int, default=500)
parser.add_argument("--steps", type=int, default=3000)
parser.add_argument("--eval-every", type=int, default=250)
parser.add_argument("--eval-per-task", type=int, default=256)
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)

subsets = torch.stack([torch.randperm(args.n)[:args.k] for _ in range(args.n_tasks)])
frequencies = torch.arange(1, args.n_tasks + 1, dtype=torch.float64) ** -(args.alpha + 1)
frequencies /= frequencies.sum()
train_gen = torch.Generator().manual_seed(1)
eval_gen = torch.Generator().manual_seed(2)

def encode(task_ids, gen):
    bits = torch.randint(0, 2, (len(task_ids), args.n), generator=gen)
    labels = bits.gather(1, subsets[task_ids]).sum(1).remainder(2)
    return torch.cat([F.one_hot(task_ids, args.n_tasks), bits], 1).float(), labels

eval_x, eval_y = encode(torch.arange(args.n_tasks).repeat_interleave(args.eval_per_task), eval_gen)
model = nn.Sequential(nn.Linear(args.n_tasks + args.n, args.width), nn.ReLU(), nn.Linear(args.width, 2))
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)

def step(i):
    x, y = encode(torch.multinomial(frequencies, args.batch, replacement=True, generator=train_gen), train_gen)
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    if (i + 1) % args.eval_every == 0:
        with torch.no_grad():
            per_task = F.cross_entropy(model(eval_x), eval_y, reduction="none").double().view(args.n_tasks, -1).mean(1)
            (per_task * frequencies).sum().item(), per_task.tolist(), loss.item()

for i in range(20):
    step(i)
start = time.perf_counter()
for i in range(args.steps):
    step(i)
elapsed = time.perf_counter() - start
print(f"pytorch sparse-parity: {args.steps / elapsed:.1f} steps/s ({args.steps} steps, {elapsed:.2f} s, torch {torch.__version__}, {torch.get_num_threads()} threads)")
