"""Reference side of run-knn.sh: scikit-learn SpectralClustering(affinity='precomputed', n_init=30, random_state=0) on
the same sparse m-nearest-neighbour graph (scipy.sparse.load_npz of quanta's graph.npz).
Usage: sklearn_cluster_sparse.py graph.npz truth.npy K  -> prints seconds and ARI vs truth."""
import sys
import time

import numpy as np
import scipy.sparse
from sklearn.cluster import SpectralClustering
from sklearn.metrics import adjusted_rand_score

graph = scipy.sparse.load_npz(sys.argv[1]).astype(np.float64)
truth = np.load(sys.argv[2])
k = int(sys.argv[3])
start = time.perf_counter()
labels = SpectralClustering(n_clusters=k, affinity="precomputed", n_init=30, random_state=0).fit_predict(graph)
seconds = time.perf_counter() - start
print(f"{seconds:.2f} {adjusted_rand_score(truth, labels):.4f}")
