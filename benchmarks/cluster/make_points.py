"""Planted-partition vectors for the sparse clustering benchmark (the generator of make_affinity.py, without the dense
affinity): `groups` random directions in `dim` dimensions, samples = direction of their group + Gaussian noise.
Usage: make_points.py N GROUPS OUT_DIR  (writes G.npy float32 [N, 256], truth.npy)."""
import sys

import numpy as np

n, groups, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(0)
dim, spread = 256, 1.0
truth = rng.permutation(np.arange(n) % groups)
g = rng.standard_normal((groups, dim))[truth] + spread * rng.standard_normal((n, dim))
np.save(f"{out}/G.npy", g.astype(np.float32))
np.save(f"{out}/truth.npy", truth.astype(np.int32))
