"""Agreement of projected with exact per-token gradients: |cos_proj − cos_exact| over all pairs i < j, and the adjusted
Rand index between spectral clusterings of the two similarity matrices (the paper's affinity A = 1 − arccos(cos)/π;
Michaud et al. 2023, §5). Prints one JSON line per projected matrix.

  agreement.py <exact.npy> <projected.npy>... --sklearn-clusters K
      clusters exact and projected with scikit-learn's SpectralClustering (precomputed affinity, random_state 0)
  agreement.py <exact.npy> <projected.npy>... --quanta-labels
      ARI of the clusterings `quanta cluster` wrote as labels.npy beside each gradients.npy (labels [n], or a sweep
      [len(ks), n] with the ks in labels.json); projections without labels get cosine errors only
  agreement.py <exact.npy> <projected.npy>...
      cosine errors only

Cosines are computed in row blocks, the exact ones once for all projections, so memory holds a few n × block
matrices rather than n × n ones."""
import argparse
import json
import os

import numpy as np
from sklearn.metrics import adjusted_rand_score


def normalized_rows(path):
    """Unit rows, normalised in float64 and kept in float32 (cosines to ~1e-6, far below the errors measured)."""
    x = np.load(path, mmap_mode="r").astype(np.float64)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def cosine_errors(exact, projections, block=1024):
    """For each projection: mean and max of |cos_proj − cos_exact| over the pairs i < j; and mean |cos_exact|."""
    n = exact.shape[0]
    total, maximum, total_exact = np.zeros(len(projections)), np.zeros(len(projections)), 0.0
    # Pearson correlation of the pairwise cosines, from running sums in float64.
    sum_x, sum_xx = 0.0, 0.0
    sum_y, sum_yy, sum_xy = np.zeros(len(projections)), np.zeros(len(projections)), np.zeros(len(projections))
    for start in range(0, n - 1, block):
        stop = min(start + block, n)
        upper = np.arange(n)[None, :] > np.arange(start, stop)[:, None]
        c_exact = np.clip(exact[start:stop] @ exact.T, -1, 1)[upper]
        total_exact += np.abs(c_exact).sum(dtype=np.float64)
        x = c_exact.astype(np.float64)
        sum_x += x.sum()
        sum_xx += (x * x).sum()
        for p, projected in enumerate(projections):
            c_projected = np.clip(projected[start:stop] @ projected.T, -1, 1)[upper]
            y = c_projected.astype(np.float64)
            sum_y[p] += y.sum()
            sum_yy[p] += (y * y).sum()
            sum_xy[p] += (x * y).sum()
            error = np.abs(c_projected - c_exact)
            total[p] += error.sum(dtype=np.float64)
            maximum[p] = max(maximum[p], error.max())
    pairs = n * (n - 1) // 2
    def pearson(p):
        cov = sum_xy[p] / pairs - (sum_x / pairs) * (sum_y[p] / pairs)
        var_x, var_y = sum_xx / pairs - (sum_x / pairs) ** 2, sum_yy[p] / pairs - (sum_y[p] / pairs) ** 2
        return cov / np.sqrt(var_x * var_y)
    return [{"n": n, "pairs": pairs, "mean_abs_cos_error": total[p] / pairs, "max_abs_cos_error": maximum[p],
             "mean_abs_cos_exact": total_exact / pairs, "cosine_correlation": pearson(p)} for p in range(len(projections))]


def quanta_labels(gradients_path):
    """(ks, labels [len(ks), n]) from the labels.npy beside a gradients file, or None."""
    folder = os.path.dirname(gradients_path)
    path = os.path.join(folder, "labels.npy")
    if not os.path.exists(path):
        return None
    labels = np.load(path)
    if labels.ndim == 1:
        return [json.load(open(os.path.join(folder, "labels.json")))["clusters"][0]], labels[None, :]
    return json.load(open(os.path.join(folder, "labels.json")))["clusters"], labels


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exact")
    parser.add_argument("projected", nargs="+")
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--sklearn-clusters", type=int, metavar="K", help="cluster with scikit-learn into K clusters")
    how.add_argument("--quanta-labels", action="store_true", help="use the labels.npy `quanta cluster` wrote beside each file")
    args = parser.parse_args()
    exact = normalized_rows(args.exact)
    projections = [normalized_rows(p) for p in args.projected]
    for path, projected in zip(args.projected, projections):
        if projected.shape[0] != exact.shape[0]:
            parser.error(f"{args.exact} has {exact.shape[0]} rows, {path} {projected.shape[0]}")
    results = cosine_errors(exact, projections)

    if args.sklearn_clusters is not None:
        from sklearn.cluster import SpectralClustering

        def labels(x):
            c = np.clip(x @ x.T, -1, 1)
            return SpectralClustering(args.sklearn_clusters, affinity="precomputed", random_state=0).fit_predict(1 - np.arccos(c) / np.pi)

        exact_labels = labels(exact)
        for result, projected in zip(results, projections):
            result["ari_exact_vs_projected"] = {args.sklearn_clusters: float(adjusted_rand_score(exact_labels, labels(projected)))}
    elif args.quanta_labels:
        exact_labels = quanta_labels(args.exact)
        if exact_labels is None:
            parser.error(f"no labels.npy beside {args.exact}")
        for result, path in zip(results, args.projected):
            projected_labels = quanta_labels(path)
            if projected_labels is None:
                continue
            if projected_labels[0] != exact_labels[0]:
                parser.error(f"the labels beside {args.exact} and {path} hold different cluster counts")
            result["ari_exact_vs_projected"] = {str(k): float(adjusted_rand_score(a, b))
                                                for k, a, b in zip(exact_labels[0], exact_labels[1], projected_labels[1])}

    for path, projected, result in zip(args.projected, projections, results):
        k = projected.shape[1]
        print(json.dumps({"projected": path, "k": k, **result, "mean_error_times_sqrt_k": result["mean_abs_cos_error"] * np.sqrt(k)}))


if __name__ == "__main__":
    main()
