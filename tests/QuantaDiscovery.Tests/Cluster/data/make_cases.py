"""Reference fixtures for the Cluster tests, from scikit-learn.

Re-run from the repository root with Debian's Python (numpy, scikit-learn):
    /usr/bin/python3 tests/QuantaDiscovery.Tests/Cluster/data/make_cases.py

Writes, next to this script:
  - <name>.npy           planted-partition affinities (float32 [n, n]) or gradients (float32 [n, d])
  - cases.json           per case: truth labels, scikit-learn's SpectralClustering labels and their ARI
  - ari_cases.json       label pairs with sklearn.metrics.adjusted_rand_score
  - kmeans_points.npy    a small point set, with sklearn KMeans inertia in kmeans.json
  - embedding_case.npy   sklearn's spectral_embedding of the first case (for subspace agreement)
"""
import json
import os

import numpy as np
import sklearn
from sklearn.cluster import KMeans, SpectralClustering
from sklearn.manifold import spectral_embedding
from sklearn.metrics import adjusted_rand_score

HERE = os.path.dirname(os.path.abspath(__file__))


def sizes_for(n, k, rng, unequal):
    if not unequal:
        base = np.full(k, n // k)
        base[: n - base.sum()] += 1
        return base
    weights = rng.dirichlet(np.full(k, 2.0))
    sizes = np.maximum(8, np.round(weights * n).astype(int))
    sizes[-1] = n - sizes[:-1].sum()
    return sizes


def block_model(n, k, inside, outside, jitter, rng, unequal=False):
    """Weighted stochastic block model: mean affinity `inside` within a group, `outside` across,
    plus symmetric uniform noise of half-width `jitter`, clipped to [0, 1]."""
    truth = np.repeat(np.arange(k), sizes_for(n, k, rng, unequal))
    rng.shuffle(truth)
    same = truth[:, None] == truth[None, :]
    a = np.where(same, inside, outside) + rng.uniform(-jitter, jitter, size=(n, n))
    a = np.triu(a, 1)
    a = a + a.T
    np.fill_diagonal(a, 1.0)
    return np.clip(a, 0, 1).astype(np.float32), truth


def gradients(n, k, d, spread, rng):
    """Per-sample 'gradients' around k random directions; A = 1 - arccos(cos)/pi as in quanta discovery."""
    truth = rng.integers(0, k, size=n)
    directions = rng.standard_normal((k, d))
    g = directions[truth] + spread * rng.standard_normal((n, d))
    return g.astype(np.float32), truth


def angular_affinity(g):
    unit = g.astype(np.float64) / np.linalg.norm(g.astype(np.float64), axis=1, keepdims=True)
    a = 1 - np.arccos(np.clip(unit @ unit.T, -1, 1)) / np.pi
    np.fill_diagonal(a, 1.0)
    return a.astype(np.float32)


def main():
    rng = np.random.default_rng(20231)
    cases = []
    specs = [
        ("sbm_easy", "affinity", lambda: block_model(200, 4, 0.7, 0.3, 0.25, rng)),
        ("sbm_medium", "affinity", lambda: block_model(300, 6, 0.49, 0.4, 0.3, rng)),
        ("sbm_hard", "affinity", lambda: block_model(400, 8, 0.52, 0.42, 0.35, rng)),
        ("sbm_unequal", "affinity", lambda: block_model(300, 5, 0.57, 0.45, 0.3, rng, unequal=True)),
        ("gradients_easy", "gradients", lambda: gradients(400, 10, 32, 0.8, rng)),
        ("gradients_medium", "gradients", lambda: gradients(500, 8, 24, 1.3, rng)),
        ("gradients_hard", "gradients", lambda: gradients(600, 12, 64, 1.6, rng)),
    ]
    for name, kind, make in specs:
        data, truth = make()
        np.save(os.path.join(HERE, f"{name}.npy"), data)
        affinity = data if kind == "affinity" else angular_affinity(data)
        k = int(truth.max() + 1)
        model = SpectralClustering(n_clusters=k, affinity="precomputed", n_init=30, random_state=0)
        labels = model.fit_predict(affinity.astype(np.float64))
        ari = adjusted_rand_score(truth, labels)
        print(f"{name}: n={len(truth)} k={k} sklearn ARI={ari:.4f}")
        cases.append({
            "name": name, "file": f"{name}.npy", "kind": kind, "clusters": k,
            "truth": truth.tolist(), "sklearn_labels": labels.tolist(), "sklearn_ari": ari,
        })
        if name == "sbm_easy":
            maps = spectral_embedding(affinity.astype(np.float64), n_components=k, drop_first=False, random_state=0)
            np.save(os.path.join(HERE, "embedding_case.npy"), np.ascontiguousarray(maps))
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump({"sklearn": sklearn.__version__, "n_init": 30, "random_state": 0, "cases": cases}, f)

    ari_cases = []
    for n, a_k, b_k in [(10, 2, 3), (50, 5, 5), (100, 3, 10), (200, 10, 2), (37, 1, 4), (60, 60, 6)]:
        a = rng.integers(0, a_k, size=n)
        b = np.where(rng.random(n) < 0.6, a % b_k, rng.integers(0, b_k, size=n))
        ari_cases.append({"a": a.tolist(), "b": b.tolist(), "ari": adjusted_rand_score(a, b)})
    same = rng.integers(0, 4, size=30)
    ari_cases.append({"a": same.tolist(), "b": ((same + 1) % 4).tolist(), "ari": adjusted_rand_score(same, (same + 1) % 4)})
    with open(os.path.join(HERE, "ari_cases.json"), "w") as f:
        json.dump(ari_cases, f)

    centers = rng.standard_normal((6, 3)) * 4
    points = (centers[rng.integers(0, 6, size=300)] + rng.standard_normal((300, 3))).astype(np.float32)
    np.save(os.path.join(HERE, "kmeans_points.npy"), points)
    kmeans = KMeans(n_clusters=6, n_init=10, random_state=0).fit(points.astype(np.float64))
    with open(os.path.join(HERE, "kmeans.json"), "w") as f:
        json.dump({"clusters": 6, "n_init": 10, "inertia": float(kmeans.inertia_), "labels": kmeans.labels_.tolist()}, f)


if __name__ == "__main__":
    main()
