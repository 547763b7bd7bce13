"""Figures of the planted benchmark.

  compare.py recall <exact.npz> <approximate.npz> --m M
      recall of the approximate m-NN graph: for each row, the share of its m nearest (the m largest entries of its row
      in the exact symmetric graph, which are exactly its m nearest) found among the m largest of its approximate row
  compare.py recall-sample <gradients.npy> <approximate.npz> --m M [--rows 2000] [--seed 0]
      the same recall on a uniform sample of rows, their exact m nearest found here by brute force over all rows (for n
      where the exact graph is too slow to build)
  compare.py ari <truth.npy> <labels.npy>
      adjusted Rand index of our labels ([n] or a sweep [len(ks), n]) against the planted truth
  compare.py sklearn <graph.npz> <truth.npy> --clusters K [--seed 0] [--assign-labels kmeans|cluster_qr]
      scikit-learn's SpectralClustering on the same graph (affinity="precomputed", arpack, n_init 10): wall time, ARI"""
import argparse
import json
import resource
import sys
import time

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import adjusted_rand_score


def top_m(graph, m):
    rows = []
    for i in range(graph.shape[0]):
        start, end = graph.indptr[i], graph.indptr[i + 1]
        cols, vals = graph.indices[start:end], graph.data[start:end]
        rows.append(set(cols[np.argsort(-vals, kind="stable")[:m]].tolist()))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["recall", "recall-sample", "ari", "sklearn"])
    parser.add_argument("first")
    parser.add_argument("second")
    parser.add_argument("--m", type=int)
    parser.add_argument("--clusters", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--assign-labels", default="kmeans", choices=["kmeans", "cluster_qr"])
    a = parser.parse_args()
    if a.what == "recall":
        exact, approximate = top_m(sp.load_npz(a.first).tocsr(), a.m), top_m(sp.load_npz(a.second).tocsr(), a.m)
        found = sum(len(e & p) for e, p in zip(exact, approximate))
        print(json.dumps({"n": len(exact), "m": a.m, "recall": found / sum(len(e) for e in exact)}))
    elif a.what == "recall-sample":
        gradients = np.load(a.first, mmap_mode="r")
        approximate = sp.load_npz(a.second).tocsr()
        rows = np.sort(np.random.default_rng(a.seed).choice(gradients.shape[0], a.rows, replace=False))
        queries = np.asarray(gradients[rows], dtype=np.float64)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        best = np.full((a.rows, a.m), -np.inf)
        best_index = np.zeros((a.rows, a.m), dtype=np.int64)
        block = 65536
        for start in range(0, gradients.shape[0], block):
            chunk = np.asarray(gradients[start:start + block], dtype=np.float64)
            chunk /= np.linalg.norm(chunk, axis=1, keepdims=True)
            cosines = queries @ chunk.T
            own = (rows >= start) & (rows < start + len(chunk))
            cosines[np.nonzero(own)[0], rows[own] - start] = -np.inf
            values = np.concatenate([best, cosines], axis=1)
            indexes = np.concatenate([best_index, np.broadcast_to(np.arange(start, start + len(chunk)), cosines.shape)], axis=1)
            keep = np.argpartition(-values, a.m - 1, axis=1)[:, :a.m]
            best, best_index = np.take_along_axis(values, keep, 1), np.take_along_axis(indexes, keep, 1)
        found = 0
        for q, i in enumerate(rows):
            start, end = approximate.indptr[i], approximate.indptr[i + 1]
            cols, vals = approximate.indices[start:end], approximate.data[start:end]
            found += len(set(best_index[q].tolist()) & set(cols[np.argsort(-vals, kind="stable")[:a.m]].tolist()))
        print(json.dumps({"n": int(gradients.shape[0]), "m": a.m, "rows": a.rows, "recall": found / (a.rows * a.m)}))
    elif a.what == "ari":
        truth, labels = np.load(a.first), np.load(a.second)
        labels = labels[None, :] if labels.ndim == 1 else labels
        print(json.dumps({"n": len(truth), "ari": [adjusted_rand_score(truth, l) for l in labels]}))
    else:
        from sklearn.cluster import SpectralClustering
        graph, truth = sp.load_npz(a.first).tocsr(), np.load(a.second)
        start = time.time()
        labels = SpectralClustering(a.clusters, affinity="precomputed", eigen_solver="arpack", n_init=10,
                                    assign_labels=a.assign_labels, random_state=a.seed).fit_predict(graph)
        print(json.dumps({"n": len(truth), "clusters": a.clusters, "assign_labels": a.assign_labels, "seconds": time.time() - start,
                          "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                          "ari": adjusted_rand_score(truth, labels)}))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
