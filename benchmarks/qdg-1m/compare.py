"""Figures of the planted benchmark.

  compare.py recall <exact.npz> <approximate.npz> --m M
      recall of the approximate m-NN graph: for each row, the share of its m nearest (the m largest entries of its row
      in the exact symmetric graph, which are exactly its m nearest) found among the m largest of its approximate row
  compare.py ari <truth.npy> <labels.npy>
      adjusted Rand index of our labels ([n] or a sweep [len(ks), n]) against the planted truth
  compare.py sklearn <graph.npz> <truth.npy> --clusters K [--seed 0]
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
    parser.add_argument("what", choices=["recall", "ari", "sklearn"])
    parser.add_argument("first")
    parser.add_argument("second")
    parser.add_argument("--m", type=int)
    parser.add_argument("--clusters", type=int)
    parser.add_argument("--seed", type=int, default=0)
    a = parser.parse_args()
    if a.what == "recall":
        exact, approximate = top_m(sp.load_npz(a.first).tocsr(), a.m), top_m(sp.load_npz(a.second).tocsr(), a.m)
        found = sum(len(e & p) for e, p in zip(exact, approximate))
        print(json.dumps({"n": len(exact), "m": a.m, "recall": found / sum(len(e) for e in exact)}))
    elif a.what == "ari":
        truth, labels = np.load(a.first), np.load(a.second)
        labels = labels[None, :] if labels.ndim == 1 else labels
        print(json.dumps({"n": len(truth), "ari": [adjusted_rand_score(truth, l) for l in labels]}))
    else:
        from sklearn.cluster import SpectralClustering
        graph, truth = sp.load_npz(a.first).tocsr(), np.load(a.second)
        start = time.time()
        labels = SpectralClustering(a.clusters, affinity="precomputed", eigen_solver="arpack", n_init=10,
                                    random_state=a.seed).fit_predict(graph)
        print(json.dumps({"n": len(truth), "clusters": a.clusters, "seconds": time.time() - start,
                          "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                          "ari": adjusted_rand_score(truth, labels)}))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
