"""Synthetic projected gradients with planted clusters of Zipf sizes, so the truth is known.

  planted.py <out-folder> --n N --d D --clusters K [--zipf 1.0] [--noise 0.5] [--min-size 2] [--seed 0]

Cluster c (rank c+1) gets a share proportional to (c+1)^-zipf of the n rows, and at least --min-size rows: where the floor
binds, the Zipf shares are scaled down until the sizes add up to n. A spectral method can recover a planted cluster from an
m-nearest-neighbour graph only if the cluster has more than m members (else most of its m links leave it and its eigenvalue
sinks into the bulk): with the floor above m every planted cluster is recoverable, so the ARI measures the solver. Its centre is a
random unit vector in d dimensions; a row is its centre plus isotropic Gaussian noise of standard deviation noise/sqrt(d)
per coordinate (so noise is the noise vector's expected norm against the centre's norm 1). Writes gradients.npy
(float32 [n, d]) and truth.npy (int32 [n]), rows in random order, written in blocks so memory stays near n*d*4 bytes."""
import argparse
import os

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--d", type=int, required=True)
    parser.add_argument("--clusters", type=int, required=True)
    parser.add_argument("--zipf", type=float, default=1.0)
    parser.add_argument("--noise", type=float, default=0.5)
    parser.add_argument("--min-size", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    a = parser.parse_args()
    rng = np.random.default_rng(a.seed)
    weights = np.arange(1, a.clusters + 1, dtype=np.float64) ** -a.zipf
    if a.min_size * a.clusters > a.n:
        parser.error(f"--min-size {a.min_size} x {a.clusters} clusters exceeds n = {a.n}")

    def sizes_for(total):
        return np.maximum(a.min_size, np.floor(weights / weights.sum() * total)).astype(np.int64)

    low, high = 0.0, float(a.n)   # the largest Zipf total whose floored sizes still fit in n (n itself when the floor never binds)
    if sizes_for(high).sum() > a.n:
        for _ in range(100):
            middle = (low + high) / 2
            low, high = (middle, high) if sizes_for(middle).sum() <= a.n else (low, middle)
        high = low
    sizes = sizes_for(high)
    sizes[0] += a.n - sizes.sum()
    truth = np.repeat(np.arange(a.clusters, dtype=np.int32), sizes)
    rng.shuffle(truth)
    centres = rng.standard_normal((a.clusters, a.d)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    os.makedirs(a.out, exist_ok=True)
    out = np.lib.format.open_memmap(os.path.join(a.out, "gradients.npy"), mode="w+", dtype=np.float32, shape=(a.n, a.d))
    block = 65536
    for start in range(0, a.n, block):
        t = truth[start:start + block]
        out[start:start + len(t)] = centres[t] + rng.standard_normal((len(t), a.d)).astype(np.float32) * (a.noise / np.sqrt(a.d))
    out.flush()
    np.save(os.path.join(a.out, "truth.npy"), truth)
    print(f"{a.n} rows, d = {a.d}, {a.clusters} clusters, sizes {sizes[0]} .. {sizes[-1]}")


if __name__ == "__main__":
    main()
