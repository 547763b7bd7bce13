"""Agreement of projected with exact per-token gradients: |cos_proj − cos_exact| over all pairs i < j, and the adjusted
Rand index between spectral clusterings of the two similarity matrices (the paper's affinity A = 1 − arccos(cos)/π;
Michaud et al. 2023, §5).

  agreement.py <exact.npy> <projected.npy> <clusters>
      clusters both with scikit-learn's SpectralClustering (precomputed affinity, random_state 0)
  agreement.py <exact.npy> <projected.npy> --labels <exact_labels.npy> <projected_labels.npy>
      ARI of clusterings already made by `quanta cluster` (labels [n] or a sweep [len(ks), n], ks read from the .json
      `quanta cluster` writes beside the labels)

Cosines are computed in row blocks, so memory holds two n × block matrices rather than two n × n ones."""
import argparse
import json
import os

import numpy as np
from sklearn.metrics import adjusted_rand_score


def normalized_rows(path):
    x = np.load(path, mmap_mode="r").astype(np.float64)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def cosine_errors(exact, projected, block=1024):
    """Mean and max of |cos_proj − cos_exact| and mean |cos_exact| over the pairs i < j."""
    n = exact.shape[0]
    total = maximum = total_exact = 0.0
    for start in range(0, n - 1, block):
        stop = min(start + block, n)
        c_exact = np.clip(exact[start:stop] @ exact.T, -1, 1)
        c_projected = np.clip(projected[start:stop] @ projected.T, -1, 1)
        upper = np.arange(n)[None, :] > np.arange(start, stop)[:, None]
        error = np.abs(c_projected - c_exact)[upper]
        total += error.sum()
        maximum = max(maximum, float(error.max()))
        total_exact += np.abs(c_exact[upper]).sum()
    pairs = n * (n - 1) // 2
    return {"n": n, "pairs": pairs, "mean_abs_cos_error": total / pairs, "max_abs_cos_error": maximum,
            "mean_abs_cos_exact": total_exact / pairs}


def cluster_counts(labels_path, labels):
    if labels.ndim == 1:
        return [None], labels[None, :]
    summary = os.path.splitext(labels_path)[0] + ".json"
    return json.load(open(summary))["clusters"], labels


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exact")
    parser.add_argument("projected")
    parser.add_argument("clusters", nargs="?", type=int, help="cluster both with scikit-learn into this many clusters")
    parser.add_argument("--labels", nargs=2, metavar=("EXACT_LABELS", "PROJECTED_LABELS"),
                        help="labels .npy from `quanta cluster` for the exact and the projected affinity")
    args = parser.parse_args()
    if (args.clusters is None) == (args.labels is None):
        parser.error("give either a cluster count (scikit-learn) or --labels (quanta cluster)")
    exact, projected = normalized_rows(args.exact), normalized_rows(args.projected)
    if exact.shape[0] != projected.shape[0]:
        parser.error(f"{args.exact} has {exact.shape[0]} rows, {args.projected} {projected.shape[0]}")
    result = {"k_projection": projected.shape[1], **cosine_errors(exact, projected)}
    result["mean_error_times_sqrt_k"] = result["mean_abs_cos_error"] * np.sqrt(projected.shape[1])

    if args.labels is None:
        from sklearn.cluster import SpectralClustering

        def labels(x):
            c = np.clip(x @ x.T, -1, 1)
            return SpectralClustering(args.clusters, affinity="precomputed", random_state=0).fit_predict(1 - np.arccos(c) / np.pi)

        result["ari_exact_vs_projected"] = {args.clusters: float(adjusted_rand_score(labels(exact), labels(projected)))}
    else:
        ks, exact_labels = cluster_counts(args.labels[0], np.load(args.labels[0]))
        projected_ks, projected_labels = cluster_counts(args.labels[1], np.load(args.labels[1]))
        if ks != projected_ks or exact_labels.shape != projected_labels.shape:
            parser.error(f"the label files hold different cluster counts: {ks} and {projected_ks}")
        result["ari_exact_vs_projected"] = {str(k): float(adjusted_rand_score(a, b))
                                            for k, a, b in zip(ks, exact_labels, projected_labels)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
