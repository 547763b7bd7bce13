"""Agreement of projected with exact per-token gradients (benchmarks/gradients): |cos_proj − cos_exact| over all pairs,
and the adjusted Rand index between spectral clusterings of the two similarity matrices (scikit-learn, the paper's
affinity A = 1 − arccos(cos)/π; Michaud et al. 2023, §5). Usage: agreement.py <exact.npy> <projected.npy> <clusters>"""
import json
import sys

import numpy as np
from sklearn.cluster import SpectralClustering
from sklearn.metrics import adjusted_rand_score


def cosines(path):
    x = np.load(path, mmap_mode="r").astype(np.float64)
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    return np.clip(x @ x.T, -1, 1)


def main():
    exact, projected, clusters = cosines(sys.argv[1]), cosines(sys.argv[2]), int(sys.argv[3])
    upper = np.triu_indices_from(exact, k=1)
    error = np.abs(projected - exact)[upper]

    def labels(c):
        return SpectralClustering(clusters, affinity="precomputed", random_state=0).fit_predict(1 - np.arccos(c) / np.pi)

    print(json.dumps({"n": exact.shape[0], "pairs": int(error.size), "mean_abs_cos_error": float(error.mean()),
                      "max_abs_cos_error": float(error.max()), "mean_abs_cos_exact": float(np.abs(exact[upper]).mean()),
                      "clusters": clusters, "ari_exact_vs_projected": float(adjusted_rand_score(labels(exact), labels(projected)))}))


if __name__ == "__main__":
    main()
