"""Planted-partition affinity for the clustering benchmark: `groups` random gradient directions in `dim`
dimensions, samples = direction of their group + Gaussian noise, A = 1 - arccos(cos)/pi (the quanta
discovery affinity). Usage: make_affinity.py N GROUPS OUT_DIR  (writes A.npy float32 [N, N], truth.npy)."""
import sys

import numpy as np

n, groups, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(0)
dim, spread = 256, 1.0
truth = rng.permutation(np.arange(n) % groups)
g = rng.standard_normal((groups, dim))[truth] + spread * rng.standard_normal((n, dim))
g /= np.linalg.norm(g, axis=1, keepdims=True)
a = (g @ g.T).astype(np.float32)
np.clip(a, -1, 1, out=a)
a = 1 - np.arccos(a) / np.float32(np.pi)
np.fill_diagonal(a, 1)
np.save(f"{out}/A.npy", a.astype(np.float32))
np.save(f"{out}/truth.npy", truth.astype(np.int32))
