"""Usage: sklearn_kmeans.py E.npy K N_INIT SEED LABELS_OUT.npy -> "<seconds of fit alone> <inertia>"
scikit-learn's KMeans (k-means++, Lloyd), as SpectralClustering(assign_labels="kmeans") runs it on the embedding."""
import sys
import time

import numpy as np
from sklearn.cluster import KMeans

e = np.load(sys.argv[1])
k, n_init, seed = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
start = time.time()
model = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(e)
seconds = time.time() - start
np.save(sys.argv[5], model.labels_.astype(np.int32))
print(f"{seconds:.2f} {model.inertia_:.8g}")
