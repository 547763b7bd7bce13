"""PyTorch reference for `quanta grok`: the same model, data sizes and per-step work
(full-batch AdamW step + validation pass under no_grad + weight norm), timed over --steps steps."""
import argparse, time
import torch
import torch.nn as nn
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument("--p", type=int, default=59)
parser.add_argument("--train-frac", type=float, default=0.5)
parser.add_argument("--steps", type=int, default=300)
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)

p = args.p
pairs = torch.cartesian_prod(torch.arange(p), torch.arange(p))
results = (pairs[:, 0] + pairs[:, 1]) % p
order = torch.randperm(len(pairs))
n_train = round(args.train_frac * len(pairs))
train_x, train_y = pairs[order[:n_train]], results[order[:n_train]]
val_x, val_y = pairs[order[n_train:]], results[order[n_train:]]

class Mlp(nn.Module):
    def __init__(self, classes, dim=128, hidden=256):
        super().__init__()
        self.embedding = nn.Embedding(classes, dim)
        self.hidden = nn.Linear(2 * dim, hidden)
        self.output = nn.Linear(hidden, classes)
    def forward(self, operands):
        return self.output(F.relu(self.hidden(self.embedding(operands).flatten(1))))

model = Mlp(p)
params = list(model.parameters())
opt = torch.optim.AdamW(params, lr=3e-3, betas=(0.9, 0.98), weight_decay=1.0)
rows = []
def step():
    with torch.no_grad():
        val_logits = model(val_x)
        val_loss = F.cross_entropy(val_logits, val_y)
        val_acc = (val_logits.argmax(-1) == val_y).float().mean()
    opt.zero_grad()
    logits = model(train_x)
    loss = F.cross_entropy(logits, train_y)
    acc = (logits.argmax(-1) == train_y).float().mean()
    norm = torch.stack([q.detach().square().sum() for q in params]).sum().sqrt()
    rows.append(torch.stack([loss.detach(), acc, val_loss, val_acc, norm]).double().tolist())
    loss.backward()
    opt.step()

for _ in range(10):
    step()
start = time.perf_counter()
for _ in range(args.steps):
    step()
elapsed = time.perf_counter() - start
print(f"pytorch grok: {args.steps / elapsed:.1f} steps/s ({args.steps} steps, {elapsed:.2f} s, torch {torch.__version__}, {torch.get_num_threads()} threads)")
