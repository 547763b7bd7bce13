"""Points for the k-means benchmark, with their planted labels.
Usage: make_embedding.py spectral N K OUT_DIR   the k-column spectral embedding that SpectralClustering clusters, computed
                                                 by scikit-learn (spectral_embedding, ARPACK, drop_first=False) from the
                                                 planted-partition affinity of benchmarks/cluster/make_affinity.py
       make_embedding.py mixture N K OUT_DIR    at sizes where a dense affinity does not fit: K well-separated unit
                                                 directions in K dimensions plus Gaussian noise (an embedding-like mixture)
Writes OUT_DIR/E.npy (float32 [N, K]) and OUT_DIR/truth.npy (int32 [N])."""
import sys
import time

import numpy as np

kind, n, k, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = np.random.default_rng(0)
if kind == "spectral":
    from sklearn.manifold import spectral_embedding
    dim = 256
    truth = rng.permutation(np.arange(n) % k)
    g = rng.standard_normal((k, dim))[truth] + rng.standard_normal((n, dim))
    unit = g / np.linalg.norm(g, axis=1, keepdims=True)
    a = (1 - np.arccos(np.clip(unit @ unit.T, -1, 1)) / np.pi).astype(np.float32)
    np.fill_diagonal(a, 1.0)
    start = time.time()
    e = spectral_embedding(a, n_components=k, eigen_solver="arpack", random_state=0, drop_first=False)
    print(f"embedding: {time.time() - start:.1f} s", file=sys.stderr)
elif kind == "mixture":
    truth = rng.permutation(np.arange(n) % k)
    directions = rng.standard_normal((k, k))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    e = directions[truth] + 0.35 * rng.standard_normal((n, k)) / np.sqrt(k) * np.sqrt(2)
else:
    sys.exit(f"unknown kind {kind}")
np.save(f"{out}/E.npy", np.ascontiguousarray(e, dtype=np.float32))
np.save(f"{out}/truth.npy", truth.astype(np.int32))
