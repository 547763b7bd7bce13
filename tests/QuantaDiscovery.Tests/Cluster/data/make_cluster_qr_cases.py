"""Reference fixtures for ClusterQrTests, from scikit-learn's assign_labels="cluster_qr".

Re-run from the repository root with Debian's Python (numpy, scikit-learn):
    /usr/bin/python3 tests/QuantaDiscovery.Tests/Cluster/data/make_cluster_qr_cases.py

Reads the affinities make_cases.py wrote and writes, next to this script:
  - cluster_qr_embedding.npy   a noisy cluster-indicator embedding (float64 [600, 9])
  - cluster_qr_cases.json      sklearn.cluster._spectral.cluster_qr on embedding_case.npy and on that embedding, and
                               SpectralClustering(affinity="precomputed", assign_labels="cluster_qr") on the block models
"""
import json
import os

import numpy as np
import sklearn
from sklearn.cluster import SpectralClustering
from sklearn.cluster._spectral import cluster_qr

HERE = os.path.dirname(os.path.abspath(__file__))


def indicator_embedding(n, k, noise, rng):
    truth = rng.integers(0, k, size=n)
    basis, _ = np.linalg.qr(rng.standard_normal((k, k)))
    return (basis[truth] + noise * rng.standard_normal((n, k))), truth


def main():
    rng = np.random.default_rng(2019)
    embedding, _ = indicator_embedding(600, 9, 0.15, rng)
    np.save(os.path.join(HERE, "cluster_qr_embedding.npy"), np.ascontiguousarray(embedding))
    direct = []
    for name in ["embedding_case.npy", "cluster_qr_embedding.npy"]:
        vectors = np.load(os.path.join(HERE, name))
        direct.append({"file": name, "labels": cluster_qr(vectors).tolist()})
    spectral = []
    with open(os.path.join(HERE, "cases.json")) as f:
        cases = json.load(f)["cases"]
    for case in cases:
        if case["kind"] != "affinity":
            continue
        affinity = np.load(os.path.join(HERE, case["file"])).astype(np.float64)
        model = SpectralClustering(n_clusters=case["clusters"], affinity="precomputed", assign_labels="cluster_qr", random_state=0)
        labels = model.fit_predict(affinity)
        spectral.append({"name": case["name"], "clusters": case["clusters"], "labels": labels.tolist()})
    with open(os.path.join(HERE, "cluster_qr_cases.json"), "w") as f:
        json.dump({"sklearn": sklearn.__version__, "direct": direct, "spectral": spectral}, f)


if __name__ == "__main__":
    main()
