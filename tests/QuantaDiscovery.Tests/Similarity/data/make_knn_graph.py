"""Reference m-nearest-neighbour graph for the Similarity tests, with numpy/scipy.

Re-run from the repository root with Debian's Python (numpy, scipy):
    /usr/bin/python3 tests/QuantaDiscovery.Tests/Similarity/data/make_knn_graph.py

From the Cluster fixture gradients_medium.npy (500 x 24, 8 planted directions): A = 1 - arccos(cos)/pi in float64,
each row keeps its M largest off-diagonal entries, and the graph is the union of those edges (i~j when either is
among the other's M nearest) weighted by A_ij. Saved with scipy.sparse.save_npz (compressed, data float64,
indices/indptr int32) as knn_graph.npz.
"""
import os

import numpy as np
import scipy.sparse

HERE = os.path.dirname(os.path.abspath(__file__))
M = 8

g = np.load(os.path.join(HERE, "..", "..", "Cluster", "data", "gradients_medium.npy")).astype(np.float64)
unit = g / np.linalg.norm(g, axis=1, keepdims=True)
a = 1 - np.arccos(np.clip(unit @ unit.T, -1, 1)) / np.pi
np.fill_diagonal(a, -np.inf)
order = np.argsort(-a, axis=1)
ranked = np.take_along_axis(a, order, axis=1)
# The neighbour sets must not hinge on float32 rounding: the M-th and (M+1)-th affinities of each row are well apart.
assert (ranked[:, M - 1] - ranked[:, M]).min() > 1e-5, (ranked[:, M - 1] - ranked[:, M]).min()
n = a.shape[0]
rows = np.repeat(np.arange(n), M)
cols = order[:, :M].ravel()
directed = scipy.sparse.csr_matrix((np.ones(n * M), (rows, cols)), shape=(n, n))
union = ((directed + directed.T) > 0).tocoo()
graph = scipy.sparse.csr_matrix((a[union.row, union.col], (union.row, union.col)), shape=(n, n))
graph.sort_indices()
scipy.sparse.save_npz(os.path.join(HERE, "knn_graph.npz"), graph)
print(f"knn_graph.npz: {n} samples, {graph.nnz} entries, M = {M}")
