"""Usage: ari.py truth.npy labels.npy -> adjusted Rand index (sklearn.metrics.adjusted_rand_score)."""
import sys

import numpy as np
from sklearn.metrics import adjusted_rand_score

print(f"{adjusted_rand_score(np.load(sys.argv[1]), np.load(sys.argv[2])):.4f}")
